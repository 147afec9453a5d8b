/*
 * capture.h - packet sources through libpcap: files and live interfaces.
 *
 * Several files (pcap or pcapng) are read as one source, their packets
 * merged in time order (ties go to the file named first). A file that
 * cannot be opened, is not a capture, is empty, or ends in the middle of a
 * record yields an error naming the file and what was wrong; the packets
 * read before the damage are kept and the other files go on. Timestamps
 * are read at microsecond precision whatever the file holds.
 *
 * A capture is used by one thread; only capture_break() may be called from
 * a signal handler.
 */
#ifndef WARD_CAPTURE_H
#define WARD_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_pkt {
	int		 linktype;	/* DLT_* of the packet's input */
	uint64_t	 ts;		/* microseconds since the epoch */
	const uint8_t	*data;		/* valid until the next capture_next */
	uint32_t	 caplen;
	uint32_t	 wirelen;
	int		 input;		/* index of the file; 0 for live */
};

struct capture;

/*
 * Opens every path ("-" is standard input) and applies the BPF filter (NULL
 * or "" for none) to each. Returns NULL with err set only for fatal
 * problems: a filter that does not compile ("bad filter `...': pcap's
 * message"), no paths, or no memory. Files that fail are not fatal: they
 * are recorded (capture_error) and skipped, so a capture with every input
 * broken still opens and capture_next returns 0 at once.
 */
struct capture *capture_open_files(char *const *paths, int npaths,
    const char *bpf, char *err, size_t errlen);
/*
 * Opens a live interface: snaplen (0 for 262144), promiscuous or not,
 * a 32 MiB kernel buffer, a 200 ms read timeout. NULL with err set when
 * the interface does not exist ("IFACE: no such device ..."), capturing is
 * not permitted ("IFACE: permission denied ..."), or the filter is bad.
 */
struct capture *capture_open_live(const char *iface, const char *bpf,
    int snaplen, bool promisc, char *err, size_t errlen);
/* NULL is a no-op. */
void capture_close(struct capture *);

/*
 * 1 and a packet, 0 at the end of every input (or after capture_break),
 * never an error: problems are recorded and capture_nerrors() tells them.
 * Live sources return 0 only after capture_break() or a read error; with
 * capture_idle_ticks() they also return CAPTURE_IDLE (and no packet) when
 * a read timeout passes without one, so a quiet link still lets the
 * caller do its periodic work.
 */
#define CAPTURE_IDLE	2
int capture_next(struct capture *, struct capture_pkt *);
void capture_idle_ticks(struct capture *, bool on);
/* Async-signal-safe: makes capture_next return 0 soon. */
void capture_break(struct capture *);

size_t capture_nerrors(const struct capture *);
/* "FILE: what was wrong"; NULL when i is out of range. */
const char *capture_error(const struct capture *, size_t i);

/* The inputs: as many as paths given (1 for live). */
int capture_ninputs(const struct capture *);
/* The path or interface name of input i. */
const char *capture_input_name(const struct capture *, int i);
/* The DLT_* link type of input i, or -1 when it could not be opened. */
int capture_linktype(const struct capture *, int i);
/* Packets delivered from input i so far. */
uint64_t capture_input_packets(const struct capture *, int i);

/*
 * Progress for files: bytes read and total bytes of all inputs (by their
 * sizes when opened; standard input counts 0). Both 0 for live sources.
 */
uint64_t capture_bytes_done(const struct capture *);
uint64_t capture_bytes_total(const struct capture *);
/* Live only: packets the kernel or interface dropped; 0 for files. */
uint64_t capture_drops(const struct capture *);
/* The pcap selectable descriptor for live sources, -1 otherwise. */
int capture_fd(const struct capture *);

#endif
