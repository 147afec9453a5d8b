"""ssdp_device.py - a UPnP root device for test_ssdp_peers.sh: GUPnP 1.6
(Debian's gir1.2-gupnp-1.6, through python3-gi) announcing itself with
SSDP NOTIFY on eth0, answering M-SEARCH, and serving its description.

    ssdp_device.py DIR SERVER_ID SECONDS

DIR holds desc.xml (the device description). The SERVER header is
SERVER_ID. After SECONDS the device says ssdp:byebye and exits.
"""
import sys

import gi

gi.require_version('GSSDP', '1.6')
gi.require_version('GUPnP', '1.6')
from gi.repository import GLib, GSSDP, GUPnP  # noqa: E402

folder, server_id, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
ctx = GUPnP.Context.new_full('eth0', None, 49152,
                             GSSDP.UDAVersion.VERSION_1_0)
ctx.set_server_id(server_id)
root = GUPnP.RootDevice.new(ctx, 'desc.xml', folder)
root.set_available(True)
print('device up on %s' % ctx.get_host_ip(), flush=True)
loop = GLib.MainLoop()


def stop():
    root.set_available(False)
    GLib.timeout_add(300, loop.quit)
    return False


GLib.timeout_add_seconds(seconds, stop)
loop.run()
