"""PyKCS11 through libCryptoki2.so over NTLS (tests/interop/test-pykcs11.sh runs it).

Prints one line per check: "ok: ..." or "FAIL: ...", and exits 1 if any failed."""
import sys
import threading

import PyKCS11
from PyKCS11 import LowLevel

MODULE, SERIAL1, CO_PIN, CU_PIN = sys.argv[1:5]
CKU_CRYPTO_USER = 0x80000001
failures = 0


def check(what, cond, detail=""):
    global failures
    print(("ok: " if cond else "FAIL: ") + what + ("" if cond else " " + str(detail)))
    failures += 0 if cond else 1


def error_of(fn):
    try:
        fn()
    except PyKCS11.PyKCS11Error as e:
        return PyKCS11.CKR[e.value] if e.value in PyKCS11.CKR else hex(e.value)
    return "CKR_OK"


lib = PyKCS11.PyKCS11Lib()
lib.load(MODULE)
info = lib.getInfo()
check("library manufacturer", info.manufacturerID.strip() == "SafeNet", info.manufacturerID)
check("cryptoki 2.40", (info.cryptokiVersion[0], info.cryptokiVersion[1]) == (2, 40), info.cryptokiVersion)
slots = lib.getSlotList(tokenPresent=True)
check("two slots, numbered 0 and 1", list(slots) == [0, 1], slots)
token = lib.getTokenInfo(slots[0])
check("slot 0 is partition p1", token.serialNumber.strip() == SERIAL1, token.serialNumber)
check("its label", token.label.strip() == "par0", token.label)

rw = PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION
s = lib.openSession(slots[0], rw)
check("wrong PIN", error_of(lambda: s.login("Wrong-PIN-1")) == "CKR_PIN_INCORRECT")
s.login(CO_PIN)
check("session state after the CO login", s.getSessionInfo().state in (LowLevel.CKS_RW_USER_FUNCTIONS, "CKS_RW_USER_FUNCTIONS"), s.getSessionInfo().state)

pub, priv = s.generateKeyPair(
    [(PyKCS11.CKA_TOKEN, True), (PyKCS11.CKA_MODULUS_BITS, 2048), (PyKCS11.CKA_PUBLIC_EXPONENT, (1, 0, 1)),
     (PyKCS11.CKA_VERIFY, True), (PyKCS11.CKA_LABEL, "py-rsa")],
    [(PyKCS11.CKA_TOKEN, True), (PyKCS11.CKA_SIGN, True), (PyKCS11.CKA_SENSITIVE, True), (PyKCS11.CKA_PRIVATE, True),
     (PyKCS11.CKA_LABEL, "py-rsa")])
mech = PyKCS11.Mechanism(LowLevel.CKM_SHA256_RSA_PKCS)
sig = s.sign(priv, b"interop", mech)
check("RSA signature length", len(sig) == 256, len(sig))
check("RSA verify", s.verify(pub, b"interop", sig, mech))
check("RSA verify of other data fails", not s.verify(pub, b"interoq", sig, mech))
bits, cls = s.getAttributeValue(pub, [PyKCS11.CKA_MODULUS_BITS, PyKCS11.CKA_CLASS])
check("CK_ULONG attributes arrive native", (bits, cls) == (2048, PyKCS11.CKO_PUBLIC_KEY), (bits, cls))
check("the private exponent is sensitive",
      s.getAttributeValue(priv, [PyKCS11.CKA_PRIVATE_EXPONENT], allAsBinary=True) == [None])

pss = PyKCS11.RSA_PSS_Mechanism(LowLevel.CKM_SHA256_RSA_PKCS_PSS, LowLevel.CKM_SHA256, LowLevel.CKG_MGF1_SHA256, 32)
check("RSA-PSS sign and verify", s.verify(pub, b"pss", s.sign(priv, b"pss", pss), pss))

aes = s.generateKey([(PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY), (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_AES),
                     (PyKCS11.CKA_VALUE_LEN, 32), (PyKCS11.CKA_ENCRYPT, True), (PyKCS11.CKA_DECRYPT, True),
                     (PyKCS11.CKA_TOKEN, False)])
gcm = PyKCS11.AES_GCM_Mechanism(bytes(12), b"aad", 128)
ct = s.encrypt(aes, b"g" * 100, gcm)
check("AES-GCM ciphertext has its tag", len(ct) == 116, len(ct))
check("AES-GCM round trip", bytes(s.decrypt(aes, ct, gcm)) == b"g" * 100)
cbc = PyKCS11.Mechanism(PyKCS11.CKM_AES_CBC_PAD, bytes(16))
check("AES-CBC-PAD round trip", bytes(s.decrypt(aes, s.encrypt(aes, b"c" * 33, cbc), cbc)) == b"c" * 33)
check("SHA-256 digest", bytes(s.digest(b"abc", PyKCS11.Mechanism(PyKCS11.CKM_SHA256))).hex().startswith("ba7816bf"))
check("random bytes", len(s.generateRandom(100)) == 100)
found = s.findObjects([(PyKCS11.CKA_LABEL, "py-rsa")])
check("both halves are found by label", len(found) == 2, found)


# Threads share the module's one link; each has its own session.
def worker(results):
    t = lib.openSession(slots[0], rw)
    ok = all(t.verify(pub, bytes([i]), t.sign(priv, bytes([i]), mech), mech) for i in range(20))
    results.append(ok)
    t.closeSession()


results = []
threads = [threading.Thread(target=worker, args=(results,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check("4 threads x 20 signatures on one link", results == [True] * 4, results)
s.logout()

# The Crypto User (Luna's login type 0x80000001) uses the CO's key but may not make private objects.
cu = lib.openSession(slots[0], rw)
cu.login(CU_PIN, CKU_CRYPTO_USER)
check("the Crypto User signs with the partition's key", cu.verify(pub, b"cu", cu.sign(priv, b"cu", mech), mech))
check("the Crypto User may not create a private object", error_of(lambda: cu.createObject(
    [(PyKCS11.CKA_CLASS, PyKCS11.CKO_DATA), (PyKCS11.CKA_PRIVATE, True), (PyKCS11.CKA_TOKEN, False),
     (PyKCS11.CKA_VALUE, b"x")])) != "CKR_OK")
cu.logout()
cu.closeSession()
s.closeSession()
lib2 = None
print("%d failed" % failures)
sys.exit(1 if failures else 0)
