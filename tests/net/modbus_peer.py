"""modbus_peer.py - Modbus/TCP server and client for test_modbus_peers.sh,
both pymodbus (Debian's python3-pymodbus, 3.0).

    modbus_peer.py server ADDRESS     units 1 and 17, a device identity
    modbus_peer.py client ADDRESS     the requests below, in this order

The client prints one line per answer; it exits 1 when an answer is not
the one the server's data gives.
"""
import sys


def server(addr):
    from pymodbus.datastore import (ModbusSequentialDataBlock,
                                    ModbusServerContext, ModbusSlaveContext)
    from pymodbus.device import ModbusDeviceIdentification
    from pymodbus.server import StartTcpServer

    def unit(base):
        return ModbusSlaveContext(
            co=ModbusSequentialDataBlock(0, [1, 0, 1] * 10),
            di=ModbusSequentialDataBlock(0, [0, 1] * 15),
            hr=ModbusSequentialDataBlock(0, list(range(base, base + 100))),
            ir=ModbusSequentialDataBlock(0, [7] * 100), zero_mode=True)

    ctx = ModbusServerContext(slaves={1: unit(100), 17: unit(1700)},
                              single=False)
    ident = ModbusDeviceIdentification(info_name={
        'VendorName': 'Ward Test Medical', 'ProductCode': 'WT-PUMP',
        'MajorMinorRevision': '2.3.1', 'VendorUrl': 'http://pump.ward.test',
        'ProductName': 'Infusion pump', 'ModelName': 'WT-500',
        'UserApplicationName': 'pump-fw'})
    StartTcpServer(context=ctx, identity=ident, address=(addr, 502))


def client(addr):
    from pymodbus.client import ModbusTcpClient
    from pymodbus.mei_message import ReadDeviceInformationRequest

    c = ModbusTcpClient(addr, port=502, timeout=3)
    if not c.connect():
        sys.exit('cannot connect to %s:502' % addr)
    bad = []

    def want(what, got, expected):
        print(what, got)
        if got != expected:
            bad.append('%s: %r, want %r' % (what, got, expected))

    want('fc3 unit 1', c.read_holding_registers(10, 4, slave=1).registers,
         [110, 111, 112, 113])
    want('fc3 unit 17', c.read_holding_registers(5, 2, slave=17).registers,
         [1705, 1706])
    want('fc1', c.read_coils(0, 8, slave=1).bits[:8],
         [True, False, True, True, False, True, True, False])
    want('fc2', c.read_discrete_inputs(0, 4, slave=1).bits[:4],
         [False, True, False, True])
    want('fc6', c.write_register(3, 4242, slave=1).value, 4242)
    want('fc16', c.write_registers(20, [1, 2, 3], slave=17).count, 3)
    want('fc15', c.write_coils(4, [True, True], slave=1).count, 2)
    want('fc4', c.read_input_registers(0, 3, slave=1).registers, [7, 7, 7])
    want('fc23', c.readwrite_registers(read_address=0, read_count=2,
                                       write_address=30, write_registers=[9],
                                       unit=1).registers, [100, 101])
    r = c.read_holding_registers(500, 2, slave=1)
    want('fc3 exception', getattr(r, 'exception_code', None), 2)
    # pymodbus 3.0 takes the unit of a raw request as `unit`.
    r = c.execute(ReadDeviceInformationRequest(read_code=1, object_id=0,
                                               unit=1))
    want('fc43/14 basic', sorted(r.information), [0, 1, 2])
    r = c.execute(ReadDeviceInformationRequest(read_code=2, object_id=0,
                                               unit=17))
    want('fc43/14 regular', sorted(r.information), list(range(7)))
    r = c.execute(ReadDeviceInformationRequest(read_code=4, object_id=5,
                                               unit=1))
    want('fc43/14 object 5', r.information, {5: b'WT-500'})
    c.close()
    if bad:
        sys.exit('\n'.join(bad))


if __name__ == '__main__':
    {'server': server, 'client': client}[sys.argv[1]](sys.argv[2])
