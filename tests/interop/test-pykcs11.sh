#!/bin/bash
# PyKCS11 (Debian's python3-pykcs11) through libCryptoki2.so over NTLS: see pykcs11-check.py.
. "$(dirname "$0")/lib.sh"
"$PYTHON" -c 'import PyKCS11' 2>/dev/null || skip "python3-pykcs11 is not installed"
interop_up
out=$("$PYTHON" "$(dirname "$0")/pykcs11-check.py" "$MODULE" "$P1" "$LUNA_CO_PIN" "$LUNA_CU_PIN" 2>&1) || true
printf '%s\n' "$out"
failures=$(grep -c '^FAIL' <<<"$out" || true)
checks=$(grep -cE '^(ok|FAIL):' <<<"$out" || true)
[ "$checks" -gt 20 ] || fail "the PyKCS11 script ended early"
finish
