#!/usr/bin/env python3
# qmp.py - send QMP commands to a running QEMU and print each reply's
# "return" as one JSON line; for tests that read back what QEMU really did.
#   qmp.py SOCKET COMMAND [ARGUMENTS-JSON] [COMMAND [ARGUMENTS-JSON]]...
# An argument that starts with '{' is the arguments of the command before it.
# Exit 1 (with the error on stderr) when QEMU answers an error.
import json
import socket
import sys


def main():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(sys.argv[1])
    f = sock.makefile("rw")
    json.loads(f.readline())  # greeting
    cmds = []
    for a in sys.argv[2:]:
        if a.startswith("{"):
            cmds[-1]["arguments"] = json.loads(a)
        else:
            cmds.append({"execute": a})
    for c in [{"execute": "qmp_capabilities"}] + cmds:
        f.write(json.dumps(c) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "event" not in r:
                break
        if "error" in r:
            print(json.dumps(r["error"]), file=sys.stderr)
            return 1
        if c["execute"] != "qmp_capabilities":
            print(json.dumps(r["return"]))
    return 0


sys.exit(main())
