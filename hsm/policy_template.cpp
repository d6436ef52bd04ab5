// HSM and partition policy templates (seed ch.3 "Policy Templates"): the exported text
// format and the validation applied when a template is given to `hsm init` /
// `partition init -applytemplate`. Messages the guide prints verbatim are reproduced
// exactly; the others follow their style.
#include "hsm/policy.h"

#include "luna/errors.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>
#include <vector>

namespace luna::hsm {
namespace {

constexpr std::string_view kVersionHeader = "# Policy template FW Version ";
constexpr std::string_view kHsmFieldFormat = "# Field format - Policy ID:Policy Description:Policy Value";
constexpr std::string_view kPartitionFieldFormat =
    "# Field format - Policy ID:Policy Description:Policy Value:Off to on destructive:On to off destructive";
constexpr std::string_view kHsmSource = "# Sourced from HSM:";
constexpr std::string_view kPartitionSource = "# Sourced from partition:";
constexpr std::string_view kNotPerformed = "No initialization was performed.";
constexpr std::uint32_t kFirstSupportedMajor = 7;   // ch.3: 6.x templates cannot be applied

// What differs between the two template kinds.
struct TemplateKind {
    std::string_view abbreviation;   // "PPT" in the guide's message; "HPT" for HSM templates
    std::size_t valueFields;         // 1 (value) or 3 (value, off->on, on->off)
    const PolicyDef* (*find)(std::uint32_t);
};
constexpr TemplateKind kHsmKind{"HPT", 1, &findHsmPolicy};
constexpr TemplateKind kPartitionKind{"PPT", 3, &findPartitionPolicy};

struct TemplateLine {
    std::size_t lineNumber;
    std::uint32_t id;
    std::vector<std::uint32_t> fields;   // value [, off->on, on->off]
};

[[noreturn]] void fail(std::string detail) { throw Error(rc::TEMPLATE_INVALID, std::move(detail)); }

[[noreturn]] void failLine(std::size_t lineNumber, std::string_view why) {
    fail("Line " + std::to_string(lineNumber) + " of the policy template: " + std::string(why));
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
    return lines;
}

std::optional<std::uint32_t> parseNumber(std::string_view s) {
    s = trim(s);
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::vector<std::string_view> splitFields(std::string_view rest) {
    std::vector<std::string_view> fields;
    for (auto pos = rest.find(':'); pos != std::string_view::npos; pos = rest.find(':')) {
        fields.push_back(rest.substr(0, pos));
        rest.remove_prefix(pos + 1);
    }
    fields.push_back(rest);
    return fields;
}

// The version header decides 7.x vs 6.x; a file without it is not a 7.x template.
void checkVersion(const std::vector<std::string_view>& lines) {
    for (auto raw : lines) {
        const auto line = trim(raw);
        if (!line.starts_with(kVersionHeader)) continue;
        const auto version = trim(line.substr(kVersionHeader.size()));
        const auto major = parseNumber(version.substr(0, version.find('.')));
        if (!major) fail("Unrecognized policy template version '" + std::string(version) + "'.");
        if (*major < kFirstSupportedMajor)
            fail("Policy templates from older Luna versions (6.x or earlier) cannot be applied to Luna 7.x "
                 "HSMs or partitions.");
        return;
    }
    fail("Not a Luna 7.x policy template: the '# Policy template FW Version' header is missing.");
}

// `ID:"Description":Value[:OffToOn:OnToOff]`. The description is ignored (ch.3: policies
// are matched on ID) but must be well formed so the fields after it can be found.
TemplateLine parseLine(std::size_t lineNumber, std::string_view line, const TemplateKind& kind) {
    const auto colon = line.find(':');
    const auto id = parseNumber(line.substr(0, colon));
    if (colon == std::string_view::npos || !id) failLine(lineNumber, "expected 'Policy ID:Policy Description:...'");
    auto rest = trim(line.substr(colon + 1));
    if (rest.starts_with('"')) {
        const auto close = rest.find('"', 1);
        if (close == std::string_view::npos) failLine(lineNumber, "unterminated policy description");
        rest = trim(rest.substr(close + 1));
    } else {
        rest = rest.substr(std::min(rest.find(':'), rest.size()));
    }
    if (!rest.starts_with(':')) failLine(lineNumber, "missing policy value");
    rest.remove_prefix(1);

    TemplateLine parsed{lineNumber, *id, {}};
    for (auto field : splitFields(rest)) {
        const auto value = parseNumber(field);
        if (!value) failLine(lineNumber, "policy value '" + std::string(trim(field)) + "' is not a number");
        parsed.fields.push_back(*value);
    }
    if (parsed.fields.size() != kind.valueFields)
        failLine(lineNumber, kind.valueFields == 1 ? "expected 'Policy ID:Policy Description:Policy Value'"
                                                   : "expected 'Policy ID:Policy Description:Policy Value:"
                                                     "Off to on destructive:On to off destructive'");
    for (std::size_t i = 1; i < parsed.fields.size(); ++i)
        if (parsed.fields[i] > 1) failLine(lineNumber, "destructiveness must be 0 or 1");
    return parsed;
}

std::vector<TemplateLine> parseBody(std::string_view text, const TemplateKind& kind) {
    const auto lines = splitLines(text);
    checkVersion(lines);
    std::vector<TemplateLine> parsed;
    std::set<std::uint32_t> seen;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto line = trim(lines[i]);
        if (line.empty() || line.starts_with('#')) continue;   // '#' = header, or policy left at default
        auto entry = parseLine(i + 1, line, kind);
        if (!seen.insert(entry.id).second)
            failLine(entry.lineNumber, "policy " + std::to_string(entry.id) + " appears more than once");
        parsed.push_back(std::move(entry));
    }
    return parsed;
}

// ch.3: "The following policies are not supported..." — init fails even so.
void rejectUnsupported(const std::vector<TemplateLine>& lines, const TemplateKind& kind) {
    std::string detail;
    for (const auto& l : lines) {
        const PolicyDef* def = kind.find(l.id);
        if (def == nullptr || !def->inTemplate) detail += "\n" + std::to_string(l.id) + ": Unsupported policy";
    }
    if (!detail.empty()) fail("The following policies are not supported. Unsupported values will be ignored." + detail);
}

// ch.3: out-of-range values and values above the capability are one fault to the
// firmware: the value is more than the unit allows.
template <typename Ceiling>
void rejectAboveCapability(const std::vector<TemplateLine>& lines, const TemplateKind& kind, Ceiling ceilingOf) {
    std::string detail;
    for (const auto& l : lines) {
        const PolicyDef& def = *kind.find(l.id);
        const std::uint32_t ceiling = ceilingOf(def);
        if (l.fields[0] > ceiling)
            detail += "\n" + std::to_string(l.id) + ": " + std::string(def.policyName) + ": " +
                      std::to_string(l.fields[0]) + " (Capability: " + std::to_string(ceiling) + ")";
    }
    if (!detail.empty())
        fail("The following values from the " + std::string(kind.abbreviation) +
             " are not compatible with the current hsm capabilities:" + detail + "\n" + std::string(kNotPerformed));
}

// The template's field separator is ':', so a description drops the colons a policy
// name may contain ("Minimum pin length (inverted 255 - min)" in the ch.3 sample).
std::string templateDescription(std::string_view name) {
    std::string out(name);
    std::erase(out, ':');
    return out;
}

std::string sourcedFrom(std::string_view prefix, std::string_view name, std::string_view serial) {
    // ch.3: the field stays blank when exported from an uninitialized HSM or partition.
    if (name.empty() && serial.empty()) return std::string(prefix);
    return std::string(prefix) + " " + std::string(name) + ", SN: " + std::string(serial);
}

std::uint32_t valueOr(const PolicyValues& values, std::uint32_t id, std::uint32_t fallback) {
    const auto it = values.find(id);
    return it == values.end() ? fallback : it->second;
}

} // namespace

std::string exportHsmTemplate(const PolicyValues& policies, std::string_view label, std::string_view serial) {
    return exportHsmTemplate(policies, label, serial, kPolicyTemplateFirmwareVersion);
}

std::string exportHsmTemplate(const PolicyValues& policies, std::string_view label, std::string_view serial,
                              std::string_view firmwareVersion) {
    std::string out = std::string(kVersionHeader) + std::string(firmwareVersion) + "\n" +
                      std::string(kHsmFieldFormat) + "\n" + sourcedFrom(kHsmSource, label, serial) + "\n\n";
    for (const auto& def : hsmPolicyTable()) {
        if (!def.inTemplate) continue;
        out += std::to_string(def.id) + ":\"" + templateDescription(def.policyName) + "\":" +
               std::to_string(valueOr(policies, def.id, def.policyDefault)) + "\n";
    }
    return out;
}

std::string exportPartitionTemplate(const PolicyValues& policies, const DestructiveMap& flags,
                                    std::string_view name, std::string_view serial) {
    return exportPartitionTemplate(policies, flags, name, serial, kPolicyTemplateFirmwareVersion);
}

std::string exportPartitionTemplate(const PolicyValues& policies, const DestructiveMap& flags,
                                    std::string_view name, std::string_view serial,
                                    std::string_view firmwareVersion) {
    std::string out = std::string(kVersionHeader) + std::string(firmwareVersion) + "\n" +
                      std::string(kPartitionFieldFormat) + "\n" + sourcedFrom(kPartitionSource, name, serial) +
                      "\n\n";
    for (const auto& def : partitionPolicyTable()) {
        if (!def.inTemplate) continue;
        const auto it = flags.find(def.id);
        const DestructiveFlags f =
            it != flags.end() ? it->second : DestructiveFlags{def.offToOnDestructive, def.onToOffDestructive};
        out += std::to_string(def.id) + ":\"" + templateDescription(def.policyName) + "\":" +
               std::to_string(valueOr(policies, def.id, def.policyDefault)) + ":" + (f.offToOn ? "1" : "0") + ":" +
               (f.onToOff ? "1" : "0") + "\n";
    }
    return out;
}

HsmTemplate parseHsmTemplate(std::string_view text, const PolicyValues& capabilities) {
    const auto lines = parseBody(text, kHsmKind);
    rejectUnsupported(lines, kHsmKind);
    const auto ceilingOf = [&](const PolicyDef& def) {
        return std::min(def.maxValue, valueOr(capabilities, def.id, 0));
    };
    rejectAboveCapability(lines, kHsmKind, ceilingOf);

    HsmTemplate result;
    for (const auto& def : hsmPolicyTable())
        if (!def.policyName.empty()) result.policies[def.id] = std::min(def.policyDefault, ceilingOf(def));
    for (const auto& l : lines) result.policies[l.id] = l.fields[0];

    if (result.policies[40] != 0 && result.policies[46] != 0)
        fail("HSM policies 40 (Decommission on tamper) and 46 (Disable Decommission) cannot both be set to 1.\n" +
             std::string(kNotPerformed));
    return result;
}

PartitionTemplate parsePartitionTemplate(std::string_view text, const PolicyValues& hsmPolicies,
                                         const PolicyValues& capabilities) {
    const auto lines = parseBody(text, kPartitionKind);
    rejectUnsupported(lines, kPartitionKind);
    rejectAboveCapability(lines, kPartitionKind, [&](const PolicyDef& def) {
        return partitionPolicyCeiling(hsmPolicies, capabilities, def.id);
    });

    PartitionTemplate result{defaultPartitionPolicies(hsmPolicies, capabilities), defaultPartitionDestructiveFlags()};
    for (const auto& l : lines) {
        result.policies[l.id] = l.fields[0];
        result.flags[l.id] = {l.fields[1] != 0, l.fields[2] != 0};
    }

    if (result.policies[0] != 0 && result.policies[1] != 0)
        fail("Partition policies 0 (Allow private key cloning) and 1 (Allow private key wrapping) cannot both be "
             "set to 1.\n" + std::string(kNotPerformed));
    if (!result.flags[1].offToOn)
        fail("Partition policy 1 (Allow private key wrapping) must have Off to on destructive set to 1.\n" +
             std::string(kNotPerformed));
    if (maximumPinLength(result.policies) <= minimumPinLength(result.policies))
        fail("Partition policy 26 (Maximum pin length) must be greater than the minimum pin length set by "
             "policy 25.\n" + std::string(kNotPerformed));
    return result;
}

} // namespace luna::hsm
