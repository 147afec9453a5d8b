/*
 * readloop - the floor of the sensor benchmark: read every packet of a
 * capture with libpcap and count packets and bytes, nothing else.
 *
 *	readloop file.pcap...
 *
 * Prints "<packets> packets <bytes> bytes" on standard output.  No sensor
 * can read a capture faster than this loop, so bench/sensor reports each
 * tool's packet rate as a share of it.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	pcap_t *pc;
	int i, rc;

	if (argc < 2) {
		fprintf(stderr, "usage: readloop file.pcap...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if ((pc = pcap_open_offline(argv[i], errbuf)) == NULL) {
			fprintf(stderr, "readloop: %s\n", errbuf);
			return 1;
		}
		while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
			packets++;
			bytes += h->caplen;
		}
		if (rc == -1) {
			fprintf(stderr, "readloop: %s: %s\n", argv[i],
			    pcap_geterr(pc));
			pcap_close(pc);
			return 1;
		}
		pcap_close(pc);
	}
	(void)data;
	printf("%" PRIu64 " packets %" PRIu64 " bytes\n", packets, bytes);
	return 0;
}
