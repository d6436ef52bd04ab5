// lsta's rules (Syslog and SNMP Monitoring Guide, "Luna SNMP Trap Agent"): which records are
// which SAFENET-APPLIANCE-MIB notification, asserted or not.
#define BOOST_TEST_MODULE lsta_rules
#include <boost/test/unit_test.hpp>

#include "rules.h"

using namespace luna::lsta;

namespace {
std::optional<Match> rec(const char* process, int severity, const char* text) { return classify({process, severity, text}); }
}

BOOST_AUTO_TEST_CASE(guide_examples) {
    auto fan = rec("ipmievd", 4, "Sensor Fan1A: Lower Critical going low (Reading 0 < Threshold 2000 RPM)");
    BOOST_REQUIRE(fan);
    BOOST_CHECK(fan->trap == Trap::Fan);
    BOOST_CHECK(fan->asserted);
    auto back = rec("ipmievd", 4, "Sensor Fan1A: Lower Critical going low (Reading 21000 < Threshold 2000 RPM)");
    BOOST_REQUIRE(back);
    BOOST_CHECK(!back->asserted);
    BOOST_CHECK(rec("ipmievd", 4, "Sensor Fan2B: Lower Non-recoverable going low (Reading 2000 .lt Threshold 2000)")->asserted);
    auto psu = rec("ipmievd", 4, "PSU1_Status: Presence detected Deasserted");
    BOOST_REQUIRE(psu);
    BOOST_CHECK(psu->trap == Trap::PowerSupply);
    BOOST_CHECK(!psu->asserted);
    BOOST_CHECK(rec("ipmievd", 4, "Power Supply - Transition to Power Off")->trap == Trap::PowerSupply);
    auto board = rec("ipmievd", 4, "Sensor VBAT: Lower Critical going low (Reading 2.1 < Threshold 2.5 Volts)");
    BOOST_REQUIRE(board);
    BOOST_CHECK(board->trap == Trap::Motherboard);
    BOOST_CHECK(rec("smartd", 2, "***TEST : Device: /dev/sda, Temperature 45 Celsius reached limit")->trap == Trap::DiskDrive);
    BOOST_CHECK(!rec("smartd", 4, "Device: /dev/sda, SMART Usage Attribute"));
    BOOST_CHECK(rec("NTLS", 3, "Fail to establish a secure channel with client")->trap == Trap::Ntls);
    BOOST_CHECK(rec("NTLS", 2, "x")->trap == Trap::Ntls);
    BOOST_CHECK(!rec("NTLS", 6, "Client connected"));
    BOOST_CHECK(rec("kernel", 2, "k7pf0: [HSM] ALM2007: HSM zeroized")->trap == Trap::Crypto);
    BOOST_CHECK(!rec("kernel", 2, "eth0: link up"));
    BOOST_CHECK(!rec("sshd", 2, "ALM Fan1A Lower Critical going low"));
    BOOST_CHECK_EQUAL(trapOid(Trap::Crypto), ".1.3.6.1.4.1.23629.1.5.2.2.7");
    BOOST_CHECK_EQUAL(trapName(Trap::DiskDrive), "diskDriveAttentionNotify");
}
