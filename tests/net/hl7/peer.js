// peer.js - an MLLP server and client from simple-hl7, for
// tests/net/test_hl7_peers.sh.
//
//   node peer.js server PORT        accepts messages, answers each with
//                                   simple-hl7's ACK (MSA|AA|<MSH-10>)
//   node peer.js client HOST PORT   sends an ADT^A01 then an ORU^R01 on one
//                                   connection, waiting for each ACK
//
// Every line printed is "sent|received|ack TYPE^TRIGGER CONTROL_ID", so the
// test knows what crossed. The patient is invented.
'use strict';

const hl7 = require('simple-hl7');

const ts = '20240301101500';

// A bedside monitor gateway in the ICU talking to the hospital's HIS.
const adt = [
	'MSH|^~\\&|PHILIPS_IX|ICU|HIS|GENERAL_HOSP|' + ts +
	    '||ADT^A01^ADT_A01|ICU00001|P|2.5.1',
	'EVN|A01|' + ts,
	'PID|1||MRN424242^^^GENERAL_HOSP^MR||TESTPATIENT^ALICE^M||19810203|F|||' +
	    '12 ELM STREET^^SPRINGFIELD^IL^62701',
	'NK1|1|TESTPATIENT^BOB|SPO',
	'PV1|1|I|ICU^BED07^01',
].join('\r');

const oru = [
	'MSH|^~\\&|PHILIPS_IX|ICU|HIS|GENERAL_HOSP|' + ts +
	    '||ORU^R01^ORU_R01|ICU00002|P|2.6',
	'PID|1||MRN424242^^^GENERAL_HOSP^MR||TESTPATIENT^ALICE^M',
	'OBR|1|||69837-1^Vital signs^LN',
	'OBX|1|NM|8867-4^Heart rate^LN||78|/min|||||F|||' + ts + '||||' +
	    '00095CFFFE1A2B3C^PHILIPS^00095CFFFE1A2B3C^EUI-64',
	'OBX|2|NM|2708-6^SpO2^LN||97|%|||||F|||' + ts + '||||' +
	    '00095CFFFE1A2B3C^PHILIPS^00095CFFFE1A2B3C^EUI-64',
].join('\r');

function server(port) {
	const s = hl7.Server.createTcpServer((err, req, res) => {
		if (err) {
			console.error('server error: ' + err);
			return;
		}
		console.log('received ' + req.type + '^' + req.event + ' ' +
		    req.msg.header.getField(8));
		res.end();
	});
	s.start(Number(port));
	console.log('listening ' + port);
}

function client(host, port) {
	const parser = new hl7.Parser({ segmentSeperator: '\r' });
	const c = hl7.Server.createTcpClient({ host: host,
		port: Number(port), keepalive: true });
	const queue = [adt, oru];

	function next() {
		const text = queue.shift();
		if (text === undefined) {
			c.close();
			return;
		}
		const msg = parser.parse(text);
		console.log('sent ' + msg.header.getComponent(7, 1) + '^' +
		    msg.header.getComponent(7, 2) + ' ' +
		    msg.header.getField(8));
		c.send(msg, (err, ack) => {
			if (err) {
				console.error('client error: ' + err);
				process.exit(1);
			}
			console.log('ack ' + ack.getSegment('MSA').getField(1) +
			    ' ' + ack.getSegment('MSA').getField(2));
			// simple-hl7 clears its "awaiting" flag after this
			// callback returns: send the next one after that.
			setImmediate(next);
		});
	}
	c.connect((err) => {
		if (err) {
			console.error('connect: ' + err);
			process.exit(1);
		}
		next();
	});
}

if (process.argv[2] === 'server')
	server(process.argv[3]);
else if (process.argv[2] === 'client')
	client(process.argv[3], process.argv[4]);
else {
	console.error('usage: peer.js server PORT | client HOST PORT');
	process.exit(2);
}
