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
# With SYSROOT, also the VMs' scopes (launcher/host/vm_cgroup_systemd.c):
#   Manager.StartTransientUnit(s name, s mode, a(sv) props, a(sa(sv)) aux)
#     makes SYSROOT/sys/fs/cgroup/SLICE/NAME with cgroup.procs (the PIDs) and
#     the v2 files systemd writes from CPUWeight, CPUQuotaPerSecUSec,
#     MemoryMax and MemoryHigh ("start" in LOG, every property);
#   Manager.AttachProcessesToUnit(s name, s subcgroup, au pids) ("attach");
#   Manager.SetUnitProperties of a scope writes those files ("set-limits");
#   Manager.StopUnit(s name, s mode) removes the directory ("stop");
# and, unless --no-machined, org.freedesktop.machine1.Manager.RegisterMachine
# (s name, ay id, s service, s class, u leader, s root) ("register").
#   usage: fake-systemd1.py BUS-ADDRESS LOG INIT-SCOPE-BYTES [SYSROOT [--no-machined]]
import json
import os
import shutil
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

address, log_path, init_bytes = sys.argv[1], sys.argv[2], sys.argv[3]
sysroot = sys.argv[4] if len(sys.argv) > 4 else None
machined = "--no-machined" not in sys.argv[5:]
scopes = {}  # a VM's scope -> its cgroup directory
units = {"system.slice": [], "user.slice": [], "init.scope": [int(b) for b in init_bytes.split(",") if b]}
ifaces = {"system.slice": "org.freedesktop.systemd1.Slice", "user.slice": "org.freedesktop.systemd1.Slice",
          "init.scope": "org.freedesktop.systemd1.Scope"}


def log(entry):
    with open(log_path, "a") as f:
        f.write(json.dumps(entry) + "\n")


def plain(v):
    if isinstance(v, (dbus.Array, list)):
        return [plain(x) for x in v]
    if isinstance(v, (dbus.String, str)):
        return str(v)
    if isinstance(v, dbus.Boolean):
        return bool(v)
    return int(v)


def write(d, name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(text + "\n")


def write_limits(d, props):
    for key, value in props:
        if key == "CPUWeight":
            write(d, "cpu.weight", str(int(value)))
        elif key == "CPUQuotaPerSecUSec":  # per second: systemd's period is 100 ms
            write(d, "cpu.max", "%d 100000" % (int(value) // 10))
        elif key == "MemoryMax":
            write(d, "memory.max", str(int(value)))
        elif key == "MemoryHigh":
            write(d, "memory.high", str(int(value)))


def no_such_unit(name):
    return dbus.exceptions.DBusException("Unit %s not loaded." % name, name="org.freedesktop.systemd1.NoSuchUnit")


class Manager(dbus.service.Object):
    @dbus.service.method("org.freedesktop.systemd1.Manager", in_signature="ssa(sv)a(sa(sv))", out_signature="o")
    def StartTransientUnit(self, name, mode, props, aux):
        if name in scopes or name in units:
            raise dbus.exceptions.DBusException("Unit %s already exists." % name,
                                                name="org.freedesktop.systemd1.UnitExists")
        p = {str(k): plain(v) for k, v in props}
        log({"call": "start", "unit": str(name), "mode": str(mode), "props": p, "aux": len(aux)})
        if not sysroot or not name.endswith(".scope") or not p.get("PIDs"):
            raise dbus.exceptions.DBusException("Invalid unit", name="org.freedesktop.DBus.Error.InvalidArgs")
        d = os.path.join(sysroot, "sys/fs/cgroup", p.get("Slice", "system.slice"), str(name))
        os.makedirs(d)
        for f, v in (("cgroup.procs", ""), ("cpu.weight", "100"), ("cpu.max", "max 100000"),
                     ("memory.max", "max"), ("memory.high", "max")):
            write(d, f, v)
        with open(os.path.join(d, "cgroup.procs"), "w") as f:
            f.write("".join("%d\n" % pid for pid in p["PIDs"]))
        write_limits(d, props)
        scopes[str(name)] = d
        return dbus.ObjectPath("/org/freedesktop/systemd1/job/1")

    @dbus.service.method("org.freedesktop.systemd1.Manager", in_signature="ssau", out_signature="")
    def AttachProcessesToUnit(self, name, sub, pids):
        if name not in scopes:
            raise no_such_unit(name)
        log({"call": "attach", "unit": str(name), "pids": plain(pids)})
        with open(os.path.join(scopes[name], "cgroup.procs"), "a") as f:
            f.write("".join("%d\n" % pid for pid in pids))

    @dbus.service.method("org.freedesktop.systemd1.Manager", in_signature="ss", out_signature="o")
    def StopUnit(self, name, mode):
        if name not in scopes:
            raise no_such_unit(name)
        log({"call": "stop", "unit": str(name), "mode": str(mode)})
        shutil.rmtree(scopes.pop(str(name)))
        return dbus.ObjectPath("/org/freedesktop/systemd1/job/2")

    @dbus.service.method("org.freedesktop.systemd1.Manager", in_signature="sba(sv)", out_signature="")
    def SetUnitProperties(self, name, runtime, props):
        if name in scopes:
            log({"call": "set-limits", "unit": str(name), "runtime": bool(runtime),
                 "props": {str(k): plain(v) for k, v in props}})
            write_limits(scopes[name], props)
            return
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


class Machined(dbus.service.Object):
    @dbus.service.method("org.freedesktop.machine1.Manager", in_signature="sayssus", out_signature="o")
    def RegisterMachine(self, name, ident, service, cls, leader, root):
        log({"call": "register", "name": str(name), "id": "".join("%02x" % b for b in ident),
             "service": str(service), "class": str(cls), "leader": int(leader), "root": str(root)})
        return dbus.ObjectPath("/org/freedesktop/machine1/machine/" + str(name))


dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(address)
keep = [dbus.service.BusName("org.freedesktop.systemd1", bus), Manager(bus, "/org/freedesktop/systemd1")]
keep += [Unit(bus, name) for name in units]
if machined:
    keep += [dbus.service.BusName("org.freedesktop.machine1", bus), Machined(bus, "/org/freedesktop/machine1")]
log({"call": "ready"})
GLib.MainLoop().run()
