// detect_peer.js - an HL7 engine and its senders from simple-hl7, for the
// detection tests (tests/net/test_detect_*.sh).
//
//   node detect_peer.js server PORT
//        accepts messages on MLLP and answers each with simple-hl7's ACK
//   node detect_peer.js send HOST PORT APP TYPE^TRIGGER...
//        sends one message of each type (ORU^R01, ADT^A01, ADT^A08, ORM^O01)
//        on one connection, from sending application APP, waiting for each
//        ACK
//
// With HL7_SFT="VENDOR|VERSION|PRODUCT" in the environment, each message
// carries a software segment (SFT, v2.5 section 2.15.12) naming the
// sending software. Every line printed is "sent|received|ack TYPE^TRIGGER
// CONTROL_ID". The patient is invented.
'use strict';

const hl7 = require('simple-hl7');

function stamp() {
	return new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

let seq = 0;

function message(app, type) {
	const [code, trig] = type.split('^');
	const ts = stamp();
	const id = app.slice(0, 4) + process.pid + '.' + (++seq);
	const msh = 'MSH|^~\\&|' + app + '|WARD|ENGINE|GENERAL_HOSP|' + ts +
	    '||' + code + '^' + trig + '^' + code + '_' + trig + '|' + id +
	    '|P|2.5.1';
	const pid = 'PID|1||MRN424242^^^GENERAL_HOSP^MR||TESTPATIENT^ALICE^M||' +
	    '19810203|F';
	const segs = [msh];
	if (process.env.HL7_SFT) {
		const [vendor, version, product] = process.env.HL7_SFT.split('|');
		segs.push('SFT|' + vendor + '|' + version + '|' + product);
	}
	if (code === 'ADT') {
		segs.push('EVN|' + trig + '|' + ts, pid, 'PV1|1|I|ICU^BED07^01');
	} else if (code === 'ORU') {
		segs.push(pid, 'OBR|1|||69837-1^Vital signs^LN',
		    'OBX|1|NM|8867-4^Heart rate^LN||78|/min|||||F|||' + ts,
		    'OBX|2|NM|2708-6^SpO2^LN||97|%|||||F|||' + ts);
	} else if (code === 'ORM') {
		segs.push(pid, 'ORC|NW|ORD' + seq,
		    'OBR|1|ORD' + seq + '||71020^CHEST XRAY^CPT');
	} else {
		segs.push(pid);
	}
	return segs.join('\r');
}

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

function send(host, port, app, types) {
	const parser = new hl7.Parser({ segmentSeperator: '\r' });
	const c = hl7.Server.createTcpClient({ host: host,
		port: Number(port), keepalive: true });
	const queue = types.slice();

	function next() {
		const type = queue.shift();
		if (type === undefined) {
			c.close();
			return;
		}
		const msg = parser.parse(message(app, type));
		console.log('sent ' + type + ' ' + msg.header.getField(8));
		c.send(msg, (err, ack) => {
			if (err) {
				console.error('client error: ' + err);
				process.exit(1);
			}
			console.log('ack ' + ack.getSegment('MSA').getField(1) +
			    ' ' + ack.getSegment('MSA').getField(2));
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

const argv = process.argv;
if (argv[2] === 'server' && argv.length === 4)
	server(argv[3]);
else if (argv[2] === 'send' && argv.length >= 7)
	send(argv[3], argv[4], argv[5], argv.slice(6));
else {
	console.error('usage: detect_peer.js server PORT | ' +
	    'send HOST PORT APP TYPE^TRIGGER...');
	process.exit(2);
}
