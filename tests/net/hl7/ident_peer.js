// ident_peer.js - HL7 peers for tests/net/test_ident_peers.sh, built on
// simple-hl7 (MLLP).
//
//   node ident_peer.js server PORT APP
//       an interface engine: acknowledges every message (MSA|AA) with its
//       own application name APP in MSH-3, as engines are configured to
//   node ident_peer.js client HOST PORT APP FACILITY TYPE^TRIGGER ID
//       a sending system: one message of the given type from application
//       APP at FACILITY (MSH-3, MSH-4), waiting for its ACK
//
// Every line printed is "sent|received|ack TYPE^TRIGGER CONTROL_ID". The
// patient is invented.
'use strict';

const hl7 = require('simple-hl7');

const ts = '20240301101500';

function message(app, facility, type, id) {
	const [mt, tr] = type.split('^');
	const seg = ['MSH|^~\\&|' + app + '|' + facility + '|ENGINE|HOSP|' +
	    ts + '||' + mt + '^' + tr + '^' + mt + '_' + tr + '|' + id +
	    '|P|2.5.1'];
	if (mt === 'ADT') {
		seg.push('EVN|' + tr + '|' + ts);
		seg.push('PID|1||MRN777001^^^HOSP^MR||TESTPATIENT^CAROL||' +
		    '19700101|F');
		seg.push('PV1|1|I|ICU^BED03^01');
	} else {
		seg.push('PID|1||MRN777001^^^HOSP^MR||TESTPATIENT^CAROL');
		seg.push('OBR|1|||69837-1^Vital signs^LN');
		seg.push('OBX|1|NM|8867-4^Heart rate^LN||72|/min|||||F');
		seg.push('OBX|2|NM|2708-6^SpO2^LN||98|%|||||F');
	}
	return seg.join('\r');
}

function server(port, app) {
	const s = hl7.Server.createTcpServer((err, req, res) => {
		if (err) {
			console.error('server error: ' + err);
			return;
		}
		// MSH-3 of the ACK: simple-hl7 counts fields after MSH-2.
		res.ack.header.setField(1, app);
		console.log('received ' + req.type + '^' + req.event + ' ' +
		    req.msg.header.getField(8));
		res.end();
	});
	s.start(Number(port));
	console.log('listening ' + port);
}

function client(host, port, app, facility, type, id) {
	const parser = new hl7.Parser({ segmentSeperator: '\r' });
	const c = hl7.Server.createTcpClient({ host: host,
		port: Number(port), keepalive: true });
	const msg = parser.parse(message(app, facility, type, id));

	c.connect((err) => {
		if (err) {
			console.error('connect: ' + err);
			process.exit(1);
		}
		console.log('sent ' + type + ' ' + id);
		c.send(msg, (e, ack) => {
			if (e) {
				console.error('client error: ' + e);
				process.exit(1);
			}
			console.log('ack ' + ack.getSegment('MSA').getField(1) +
			    ' ' + ack.getSegment('MSA').getField(2));
			setImmediate(() => c.close());
		});
	});
}

const a = process.argv;
if (a[2] === 'server' && a.length === 5)
	server(a[3], a[4]);
else if (a[2] === 'client' && a.length === 9)
	client(a[3], a[4], a[5], a[6], a[7], a[8]);
else {
	console.error('usage: ident_peer.js server PORT APP | ' +
	    'client HOST PORT APP FACILITY TYPE^TRIGGER ID');
	process.exit(2);
}
