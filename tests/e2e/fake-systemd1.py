#!/usr/bin/python3
# fake-systemd1.py - the part of systemd's D-Bus API the CPU shield uses,
# on a private bus, for t5003 (this machine's PID 1 is not systemd):
#   org.freedesktop.systemd1.Manager.SetUnitProperties(s name, b runtime, a(sv) props)
#   org.freedesktop.DBus.Properties.Get(s iface, s prop) on
#     /org/freedesktop/systemd1/unit/{system_2eslice,user_2eslice,init_2escope}
# for the property AllowedCPUs (ay, systemd's CPU bitmask: CPU n is bit n%8
# of byte n/8; empty = no limit). Each call is appended to LOG as one JSON
# line; unknown units, interfaces or properties answer with the D-Bus errors
# systemd gives, so a wrong call fails as it would against systemd.
#   usage: fake-systemd1.py BUS-ADDRESS LOG INIT-SCOPE-BYTES (e.g. "3")
import json
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

address, log_path, init_bytes = sys.argv[1], sys.argv[2], sys.argv[3]
units = {"system.slice": [], "user.slice": [], "init.scope": [int(b) for b in init_bytes.split(",") if b]}
ifaces = {"system.slice": "org.freedesktop.systemd1.Slice", "user.slice": "org.freedesktop.systemd1.Slice",
          "init.scope": "org.freedesktop.systemd1.Scope"}


def log(entry):
    with open(log_path, "a") as f:
        f.write(json.dumps(entry) + "\n")


class Manager(dbus.service.Object):
    @dbus.service.method("org.freedesktop.systemd1.Manager", in_signature="sba(sv)", out_signature="")
    def SetUnitProperties(self, name, runtime, props):
        if name not in units:
            raise dbus.exceptions.DBusException("Unit %s not loaded." % name,
                                                name="org.freedesktop.systemd1.NoSuchUnit")
        for key, value in props:
            if key != "AllowedCPUs" or value.signature != "y":
                raise dbus.exceptions.DBusException("Cannot set property %s" % key,
                                                    name="org.freedesktop.DBus.Error.PropertyReadOnly")
            units[name] = [int(b) for b in value]
            log({"call": "set", "unit": str(name), "runtime": bool(runtime), "bytes": units[name]})


class Unit(dbus.service.Object):
    def __init__(self, bus, name):
        self.name = name
        path = "/org/freedesktop/systemd1/unit/" + name.replace(".", "_2e")
        dbus.service.Object.__init__(self, bus, path)

    @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="ss", out_signature="v")
    def Get(self, iface, prop):
        if iface != ifaces[self.name] or prop != "AllowedCPUs":
            raise dbus.exceptions.DBusException("Unknown interface %s or property %s." % (iface, prop),
                                                name="org.freedesktop.DBus.Error.UnknownProperty")
        log({"call": "get", "unit": self.name})
        return dbus.Array(units[self.name], signature="y")


dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(address)
keep = [dbus.service.BusName("org.freedesktop.systemd1", bus), Manager(bus, "/org/freedesktop/systemd1")]
keep += [Unit(bus, name) for name in units]
log({"call": "ready"})
GLib.MainLoop().run()
