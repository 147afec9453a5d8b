/*
 * capture.h - packet sources through libpcap: files and live interfaces.
 *
 * Several files (pcap or pcapng) are read as one source, their packets
 * merged in time order. A file that cannot be opened, is not a capture, or
 * ends in the middle of a record yields an error naming the file and what
 * was wrong; the packets read before the damage are kept and the other
 * files go on.
 */
#ifndef WARD_CAPTURE_H
#define WARD_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_pkt {
	int		 linktype;
	uint64_t	 ts;		/* microseconds since the epoch */
	const uint8_t	*data;		/* valid until the next capture_next */
	uint32_t	 caplen;
	uint32_t	 wirelen;
	int		 input;		/* index of the file */
};

struct capture;

/* err receives the first fatal problem (e.g. a bad BPF filter). */
struct capture *capture_open_files(char *const *paths, int npaths,
    const char *bpf, char *err, size_t errlen);
struct capture *capture_open_live(const char *iface, const char *bpf,
    int snaplen, bool promisc, char *err, size_t errlen);
void capture_close(struct capture *);

/*
 * 1 and a packet, 0 at the end of every input (or after capture_break),
 * never an error: problems are recorded and capture_nerrors() tells them.
 * Live sources return 0 only after capture_break().
 */
int capture_next(struct capture *, struct capture_pkt *);
/* Async-signal-safe: makes capture_next return 0 soon. */
void capture_break(struct capture *);

size_t capture_nerrors(const struct capture *);
/* "FILE: what was wrong". */
const char *capture_error(const struct capture *, size_t i);

/* Progress for files: bytes read and total bytes of all inputs. */
uint64_t capture_bytes_done(const struct capture *);
uint64_t capture_bytes_total(const struct capture *);
/* Live only: packets the kernel dropped; 0 for files. */
uint64_t capture_drops(const struct capture *);
/* The pcap selectable descriptor for live sources, -1 otherwise. */
int capture_fd(const struct capture *);

#endif
