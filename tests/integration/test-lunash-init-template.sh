#!/bin/bash
# hsm init with every option of the reference over ssh: -applytemplate applies an HSM policy
# template from the admin's file area (the file `hsm showpolicies -exporttemplate` wrote, one
# policy changed), -authtimeconfig is refused; a missing or malformed template changes nothing.
. "$(dirname "$0")/lunash-lib.sh"
lunash_up
home=$T/ssh/home/admin
init="hsm init -label tmpl-hsm -password $SO_PW -domain dom-1234 -force"

# policy_value ID TEXT: the Value column (On/Off) of the changeable policy whose Code is ID in
# `hsm showpolicies` output (Description  Value  Code  Destructive).
policy_value() { awk -v id="$1" 'NF >= 4 && $(NF-1) == id && ($(NF-2) == "On" || $(NF-2) == "Off") { print $(NF-2); exit }' <<<"$2"; }
onoff() { if [ "$1" = 1 ]; then echo On; else echo Off; fi; }

out=$(printf '%s\n' "$init" "hsm login -password $SO_PW" 'hsm showpolicies -exporttemplate pol.txt' \
        'hsm showpolicies' exit | sh_session admin)
expect_contains "export: written" "HSM policies successfully written." "$out"
expect "the template is in the admin's file area" 0 "$(test -s "$home/pol.txt"; echo $?)"
# The first switch (0/1) policy whose capability allows changing it: flip it in a copy.
id= old=
while IFS= read -r line; do
  [[ $line =~ ^([0-9]+):\"[^\"]*\":([01])$ ]] || continue
  cand=${BASH_REMATCH[1]} v=${BASH_REMATCH[2]}
  [ "$(policy_value "$cand" "$(sed -n '/^lunash:>hsm showpolicies$/,/^Command Result/p' <<<"$out")")" = "$(onoff "$v")" ] || continue
  id=$cand old=$v; break
done <"$home/pol.txt"
[ -n "$id" ] || { fail "no changeable switch policy in the exported template"; finish; }
new=$((1 - old))
sed "s/^\($id:\"[^\"]*\":\)$old\$/\1$new/" "$home/pol.txt" >"$home/pol2.txt"
chown --reference="$home/pol.txt" "$home/pol2.txt"
printf 'this is not a policy template\n' >"$home/bad.txt"
chown --reference="$home/pol.txt" "$home/bad.txt"

# Zeroize, then init with the changed template: the policy has its new value.
out=$(printf '%s\n' "hsm login -password $SO_PW" 'hsm zeroize -force' "$init -applytemplate pol2.txt" \
        "hsm login -password $SO_PW" 'hsm showpolicies' exit | sh_session admin)
expect_contains "init -applytemplate succeeds" "'hsm init' successful." "$out"
expect "the HSM is initialized" true "$(prop Initialized)"
expect "policy $id has the template's value" "$(onoff "$new")" \
  "$(policy_value "$id" "$(sed -n '/^lunash:>hsm showpolicies$/,/^Command Result/p' <<<"$out")")"

# Nothing applied on refusal: zeroize first, so any init would show.
out=$(printf '%s\n' "hsm login -password $SO_PW" 'hsm zeroize -force' exit | sh_session admin)
expect_contains "zeroized again" "'hsm zeroize' successful." "$out"
out=$(sh_cmd admin "$init -applytemplate missing.txt")
expect_contains "a missing template: the file is named" "missing.txt" "$out"
expect_contains "... Command Result 65535" "Command Result : 65535 (Luna Shell execution)" "$out"
expect_contains "... exit status 1" "rc=1" "$out"
expect "... nothing applied" false "$(prop Initialized)"
out=$(sh_cmd admin "$init -applytemplate bad.txt")
expect_contains "a malformed template is refused" "Command Result : 65535 (Luna Shell execution)" "$out"
expect "... nothing applied" false "$(prop Initialized)"
out=$(sh_cmd admin "$init -authtimeconfig")
expect_contains "-authtimeconfig is refused" "-authtimeconfig is not supported" "$out"
expect "... nothing applied" false "$(prop Initialized)"
out=$(sh_cmd admin "hsm init -label tmpl-hsm -password $SO_PW -domain dom-1234 -ap pol2.txt -f")
expect_contains "short forms -ap and -f" "'hsm init' successful." "$out"
expect "... initialized" true "$(prop Initialized)"
finish
