#!/bin/bash
# tests/net/test_dicom_peers.sh - ward's DICOM dissector against dcmtk.
#
# Two namespaces on a switch: "modality" (10.77.0.10) runs echoscu,
# storescu and findscu; "pacs" (10.77.0.20) runs dcmqrscp as the PACS
# (AE PACS, port 11112: C-ECHO, C-STORE, C-FIND) and storescp as an archive
# on a port with no hint (AE ARCHIVE, port 4104, preferring explicit VR big
# endian), so the dissector is found by content alone. The CT image sent is
# made at test time with dump2dcm (Modality CT, GE MEDICAL SYSTEMS,
# Revolution CT, a station name, software versions, a patient name and ID).
# Traffic: an echo, an echo to an unknown AE (A-ASSOCIATE-RJ), an echo that
# aborts (A-ABORT), stores in implicit VR LE, explicit VR LE (with a user
# name and passcode) and explicit VR BE, a study-level C-FIND by patient
# name.
#
# The capture (dumpcap on the bridge) goes through `$WARD analyze --eve -`
# and tshark; the two are compared field by field: AE titles, presentation
# contexts (abstract syntaxes, transfer syntaxes, results), user information
# (max PDU, implementation class UID and version), reject and abort fields,
# and the DIMSE commands. The identifying attributes of the data sets are
# checked against the values written into the file, and the patient values
# must appear in no event.
#
# WARD is the ward binary (meson passes it). Exit 77 (skipped) when not root,
# when namespaces cannot be made or a program is missing. DICOM_KEEP=1 keeps
# the capture and outputs in the directory it prints.

set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${WARD:-}" ] || [ ! -x "$WARD" ]; then
	echo "test_dicom_peers: WARD must name the ward binary (got '${WARD:-}')" >&2
	exit 1
fi

. "$here/lib.sh"
net_skip_unless_possible
net_require tshark dumpcap dump2dcm dcmqrscp storescp storescu echoscu \
    findscu /usr/bin/python3

[ "${DICOM_KEEP:-0}" = 1 ] && NET_KEEP_TMP=1
net_init
dir=$NET_TMP
cap="$dir/dicom.pcapng"
MOD_IP=10.77.0.10
PACS_IP=10.77.0.20

fail()
{
	echo "test_dicom_peers: $*" >&2
	exit 1
}

# The CT image, from a text dump (PS3.10 file with meta header).
cat >"$dir/ct.dump" <<'EOF'
(0008,0008) CS [ORIGINAL\PRIMARY\AXIAL]
(0008,0016) UI =CTImageStorage
(0008,0018) UI [1.2.826.0.1.3680043.8.498.77001]
(0008,0020) DA [20240102]
(0008,0060) CS [CT]
(0008,0070) LO [GE MEDICAL SYSTEMS]
(0008,0080) LO [St. Example Hospital]
(0008,1010) SH [CTSTATION1]
(0008,1040) LO [Radiology]
(0008,1090) LO [Revolution CT]
(0010,0010) PN [DOE^JOHN]
(0010,0020) LO [PID12345]
(0010,0030) DA [19700101]
(0018,1000) LO [SN-0042]
(0018,1020) LO [sw1.2\fw3.4]
(0020,000d) UI [1.2.826.0.1.3680043.8.498.77002]
(0020,000e) UI [1.2.826.0.1.3680043.8.498.77003]
(0020,0013) IS [1]
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US 4
(0028,0011) US 4
(0028,0100) US 16
(0028,0101) US 12
(0028,0102) US 11
(0028,0103) US 0
(7fe0,0010) OW 0001\0002\0003\0004\0005\0006\0007\0008\0009\000a\000b\000c\000d\000e\000f\0010
EOF
# storescu sends a file in its own transfer syntax when a context with it
# is accepted: the big endian copy makes the archive's store explicit VR BE.
dump2dcm "$dir/ct.dump" "$dir/ct.dcm" >"$dir/dump2dcm.log" 2>&1 &&
	dump2dcm +tb "$dir/ct.dump" "$dir/ct-be.dcm" >>"$dir/dump2dcm.log" 2>&1 ||
	{ cat "$dir/dump2dcm.log" >&2; fail "dump2dcm failed"; }

mkdir -p "$dir/db" "$dir/archive"
chmod 777 "$dir/db" "$dir/archive"
cat >"$dir/dcmqrscp.cfg" <<EOF
NetworkTCPPort  = 11112
MaxPDUSize      = 16384
MaxAssociations = 16

HostTable BEGIN
modality = (MODALITY, $MOD_IP, 11112)
HostTable END

VendorTable BEGIN
VendorTable END

AETable BEGIN
PACS $dir/db RW (10, 64mb) ANY
AETable END
EOF

net_switch
net_host modality 02:77:00:00:00:10
net_host pacs 02:77:00:00:00:20
net_capture_start "$cap"
net_host_up modality
net_host_up pacs
net_addr modality $MOD_IP/24
net_addr pacs $PACS_IP/24

net_bg pacs "$dir/dcmqrscp.log" dcmqrscp -c "$dir/dcmqrscp.cfg"
net_bg pacs "$dir/storescp.log" storescp -aet ARCHIVE +xb -od "$dir/archive" \
    4104
net_wait_listen pacs tcp 11112 10 || fail "dcmqrscp does not listen"
net_wait_listen pacs tcp 4104 10 || fail "storescp does not listen"

run()
{
	echo "+ $*" >>"$dir/peers.log"
	net_exec modality "$@" >>"$dir/peers.log" 2>&1
}

# Each step in its own association (and TCP connection). dcmqrscp forks
# per association: its --single-process mode crashes after the first one
# (dcmtk 3.6.7).
run echoscu -aet MODALITY -aec PACS $PACS_IP 11112 ||
	fail "echoscu failed"
run echoscu -aet MODALITY -aec NOSUCHAE $PACS_IP 11112 &&
	fail "echoscu to an unknown AE was accepted"
run echoscu --abort -aet MODALITY -aec PACS $PACS_IP 11112
run storescu -xi -aet MODALITY -aec PACS $PACS_IP 11112 "$dir/ct.dcm" ||
	fail "storescu (implicit) failed"
# With a user name and passcode (user identity negotiation, PS3.7 D.3.3.7).
run storescu -xe -usr tech1 -pwd s3cret -aet MODALITY -aec PACS $PACS_IP \
    11112 "$dir/ct.dcm" ||
	fail "storescu (explicit little endian) failed"
run storescu -xb -aet MODALITY -aec ARCHIVE $PACS_IP 4104 "$dir/ct-be.dcm" ||
	fail "storescu (explicit big endian) failed"
run findscu -S -aet MODALITY -aec PACS -k QueryRetrieveLevel=STUDY \
    -k 'PatientName=DOE*' -k PatientID -k StudyInstanceUID \
    $PACS_IP 11112 || fail "findscu failed"
net_capture_stop

"$WARD" analyze --eve - -q "$cap" >"$dir/ward.eve" 2>"$dir/ward.err" ||
	{ cat "$dir/ward.err" >&2; fail "ward analyze failed"; }

# tshark: one line per TCP segment that ends DICOM PDUs (PDUs of several
# segments are reassembled; several PDUs in one segment give ';'-joined
# lists). The port 4104 stream is decoded as DICOM by -d; tag_tree makes
# tshark decode the elements of command sets and data sets.
tshark -r "$cap" -d tcp.port==4104,dicom -o dicom.tag_tree:TRUE -Y dicom \
    -T fields -E separator='|' -E aggregator=';' -E occurrence=a \
    -e tcp.srcport -e tcp.dstport -e ip.src -e dicom.pdu.type \
    -e dicom.assoc.ae.calling -e dicom.assoc.ae.called -e dicom.pctx.id \
    -e dicom.pctx.result -e dicom.pctx.abss.syntax -e dicom.pctx.xfer.syntax \
    -e dicom.max_pdu_len -e dicom.userinfo.uid -e dicom.userinfo.version \
    -e dicom.assoc.reject.result -e dicom.assoc.reject.source \
    -e dicom.assoc.reject.reason -e dicom.assoc.abort.source \
    -e dicom.assoc.abort.reason -e _ws.col.Info -e dicom.tag -e dicom.tag.vl \
    -e dicom.tag.value.str -e dicom.userinfo.user_identify.type \
    -e dicom.userinfo.user_identify.primary_field \
    >"$dir/tshark.txt" 2>"$dir/tshark.err" ||
	{ cat "$dir/tshark.err" >&2; fail "tshark failed"; }

/usr/bin/python3 "$here/check_dicom.py" "$dir/ward.eve" "$dir/tshark.txt" \
    "$MOD_IP" "$PACS_IP"
