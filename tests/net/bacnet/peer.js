'use strict';
// BACnet/IP peers for tests/net/test_bacnet_peers.sh (node-bacnet).
//
//   node peer.js device BROADCAST DEVICE_ID VENDOR_ID SECONDS
//     A device object: answers a Who-Is whose range holds DEVICE_ID (or
//     that has none) with a broadcast I-Am, and ReadProperty of the
//     properties below; an Error (property, unknown-property) for others.
//     Stops after SECONDS.
//   node peer.js client BROADCAST DEVICE_ADDR DEVICE_ID
//     Who-Is (global; unicast with a range holding the device; broadcast
//     with a range that does not), then ReadProperty of each property in
//     turn and of one the device lacks. Exits 1 without an I-Am.
const Bacnet = require('node-bacnet');
const E = Bacnet.enum;
const [mode, bcast] = process.argv.slice(2, 4);
const client = new Bacnet({ broadcastAddress: bcast, apduTimeout: 3000 });
const T = E.ApplicationTag;
const S = E.CharacterStringEncoding;

if (mode === 'device') {
  const id = Number(process.argv[4]);
  const vendor = Number(process.argv[5]);
  const P = E.PropertyIdentifier;
  const props = {
    [P.OBJECT_NAME]: [{ type: T.CHARACTER_STRING, value: 'AHU-3 OR suite' }],
    [P.VENDOR_NAME]: [{ type: T.CHARACTER_STRING, value: 'Ward Test Controls' }],
    [P.VENDOR_IDENTIFIER]: [{ type: T.UNSIGNED_INTEGER, value: vendor }],
    [P.MODEL_NAME]: [{ type: T.CHARACTER_STRING, value: 'WT-AHU 500' }],
    [P.FIRMWARE_REVISION]: [{ type: T.CHARACTER_STRING, value: '4.2.1' }],
    [P.APPLICATION_SOFTWARE_VERSION]: [{ type: T.CHARACTER_STRING, value: 'ahu-app 1.7' }],
    [P.DESCRIPTION]: [{ type: T.CHARACTER_STRING, value: 'Salle d\u2019opération 3', encoding: S.UCS_2 }],
    [P.LOCATION]: [{ type: T.CHARACTER_STRING, value: 'Bâtiment B, étage 2', encoding: S.ISO_8859_1 }],
  };
  client.on('whoIs', (msg) => {
    const lo = msg.payload.lowLimit, hi = msg.payload.highLimit;
    if (lo !== undefined && (id < lo || id > hi)) return;
    client.iAmResponse(null, id, E.Segmentation.SEGMENTED_BOTH, vendor);
  });
  client.on('readProperty', (msg) => {
    const { objectId, property } = msg.payload;
    const v = props[property.id];
    if (objectId.type !== E.ObjectType.DEVICE || objectId.instance !== id || !v) {
      client.errorResponse(msg.header.sender, E.ConfirmedServiceChoice.READ_PROPERTY,
        msg.invokeId, E.ErrorClass.PROPERTY, E.ErrorCode.UNKNOWN_PROPERTY);
      return;
    }
    client.readPropertyResponse(msg.header.sender, msg.invokeId, objectId, property, v);
  });
  client.on('listening', () => console.log('listening'));
  setTimeout(() => { client.close(); }, Number(process.argv[6]) * 1000);
} else {
  const addr = process.argv[4];
  const id = Number(process.argv[5]);
  const seen = [];
  client.on('iAm', (msg) => { seen.push(msg.payload.deviceId); console.log('iAm', JSON.stringify(msg.payload)); });
  const props = [77, 121, 120, 70, 44, 12, 28, 58, 4242];
  const readNext = (i) => {
    if (i >= props.length) {
      client.close();
      // node-bacnet keeps the event loop alive for a while after close().
      setTimeout(() => process.exit(), 100);
      return;
    }
    client.readProperty(addr, { type: E.ObjectType.DEVICE, instance: id }, props[i], (err, value) => {
      console.log('read', props[i], err ? 'error ' + err.message : JSON.stringify(value.values));
      readNext(i + 1);
    });
  };
  client.on('listening', () => {
    client.whoIs();
    client.whoIs({ address: addr }, { lowLimit: id - 10, highLimit: id + 10 });
    client.whoIs({ lowLimit: id + 1, highLimit: id + 100 });
    setTimeout(() => {
      if (!seen.includes(id)) { console.error('no I-Am from', id); process.exitCode = 1; }
      readNext(0);
    }, 1000);
  });
}
