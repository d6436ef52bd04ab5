#!/usr/bin/python3
# sysconf-call IFACE METHOD [ARG...]: one call to sysconfd, as the calling uid, for the
# integration tests. Arguments are JSON when they parse as JSON, else strings; the signature
# comes from introspection. Prints each return value on its own line as JSON, or
# "ERROR <D-Bus error name>: <message>" (exit 1).
import json
import sys

import dbus


def plain(v):
    if isinstance(v, (dbus.Array, list)):
        return [plain(x) for x in v]
    if isinstance(v, (dbus.Struct, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (dbus.Dictionary, dict)):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.String, dbus.ObjectPath, str)):
        return str(v)
    return int(v)


def arg(a):
    try:
        v = json.loads(a)
        return v if not isinstance(v, (int, float)) or isinstance(v, bool) else a
    except ValueError:
        return a


def main():
    iface, method, args = sys.argv[1], sys.argv[2], [arg(a) for a in sys.argv[3:]]
    bus = dbus.SystemBus()
    obj = bus.get_object("com.safenet.Luna.Sysconf", "/com/safenet/Luna/Sysconf")
    try:
        reply = obj.get_dbus_method(method, "com.safenet.Luna." + iface)(*args)
    except dbus.exceptions.DBusException as e:
        print("ERROR %s: %s" % (e.get_dbus_name(), e.get_dbus_message()))
        return 1
    if reply is None:
        return 0
    values = reply if isinstance(reply, tuple) else (reply,)
    for v in values:
        print(json.dumps(plain(v)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
