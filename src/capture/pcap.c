/*
 * pcap.c - packet sources over libpcap: capture files and live interfaces
 * (see capture.h).
 *
 * Files are merged in timestamp order by a linear minimum over the open
 * files; each holds its next packet in libpcap's buffer, which stays valid
 * until that file is read again. Errors are kept in a fixed buffer per
 * input (an input fails at most once and then ends), so recording one
 * never allocates.
 *
 * Reading files runs in a thread of its own that copies packets into a
 * ring the caller drains: on two cores, reading the file (mostly the
 * kernel's copy from the page cache) overlaps with decoding and
 * dissecting instead of adding to it. The ring is single-producer,
 * single-consumer: the reader advances head, the caller advances tail,
 * each with release stores the other side reads with acquire loads.
 * Records are contiguous and 32-byte aligned; a record that would cross
 * the end of the ring is preceded by a filler to the end.
 *
 *	ring:  | rec | rec | ... free ... | rec | rec | filler |
 *	               ^tail (caller)      ^head (reader)
 *	rec:   [struct ring_rec: len, linktype, input, ts, caplen, wirelen]
 *	       [caplen bytes of packet][padding to 32]
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include <pcap/pcap.h>

#include "ward/capture.h"
#include "ward/log.h"

#define CAP_ERRLEN		512
#define CAP_SNAPLEN		262144
#define CAP_BUFFER_SIZE		(32 * 1024 * 1024)
#define CAP_TIMEOUT_MS		200

#define CAP_FILE_BUFSZ (1u << 20)
#define RING_SIZE	(2u << 20)	/* a power of two */
#define RING_ALIGN	32
#define RING_RELEASE	(64u << 10)	/* caller publishes its tail */

struct ring_rec {
	uint32_t	 len;		/* whole record, header and padding */
	int32_t		 linktype;	/* -1: a filler to the ring's end */
	int32_t		 input;
	uint32_t	 caplen;
	uint64_t	 ts;
	uint32_t	 wirelen;
	uint32_t	 pad;
};

struct cap_input {
	char		*name;
	pcap_t		*p;
	int		 linktype;	/* -1 until opened */
	uint64_t	 size;		/* bytes, from stat */
	uint64_t	 done_bytes;	/* once closed */
	bool		 have;		/* data holds the next packet */
	uint64_t	 ts;
	uint32_t	 caplen;
	uint32_t	 wirelen;
	/*
	 * The next packet, in libpcap's own buffer: it stays valid until
	 * this input is read again, which happens only after the packet was
	 * delivered and the caller asked for the next one.
	 */
	const uint8_t	*data;
	char		*iobuf;		/* stdio buffer, freed after close */
	uint64_t	 nread;		/* packets read from the file */
	uint64_t	 ndelivered;
	char		 err[CAP_ERRLEN];
};

/*
 * The fields are grouped by who writes them, each group on cache lines of
 * its own, so that the reader thread's writes never evict what the caller
 * reads for every packet (and back).
 */
struct capture {
	/* Set when opened; read by both threads. */
	bool			 live;
	bool			 idle_ticks;	/* live: CAPTURE_IDLE on timeouts */
	bool			 threaded;
	struct cap_input	*in;
	int			 nin;
	int			*errs;		/* inputs with an error, in order */
	uint64_t		 total;
	uint8_t			*ring;
	pthread_t		 reader;
	atomic_int		 stop;		/* written once, by either */

	/*
	 * Written by whoever reads the files: the reader thread while there
	 * is one. head and tail each come with the writer's private copy of
	 * the other side's counter, refreshed only when it seems out of room
	 * or data, so the shared lines move once per batch, not per packet;
	 * the caller publishes its tail every RING_RELEASE bytes.
	 */
	_Alignas(64) _Atomic size_t head;
	size_t			 tail_seen;	/* reader's copy of tail */
	int			 cur;		/* refill before the next packet */
	size_t			 nerrs;
	atomic_bool		 reader_done;
	_Atomic uint64_t	 bytes_done;	/* progress, from the reader */

	/* Written by the caller. */
	_Alignas(64) _Atomic size_t tail;
	size_t			 head_seen;	/* caller's copy of head */
	size_t			 tail_local;	/* caller's unpublished tail */
	size_t			 held;		/* bytes of the record handed out */
};

static void input_fail(struct capture *, struct cap_input *, const char *,
    ...) __attribute__((format(printf, 3, 4)));
static void reader_start(struct capture *);
static void reader_join(struct capture *);

/* Records the input's one error. */
static void
input_fail(struct capture *c, struct cap_input *in, const char *fmt, ...)
{
	va_list ap;

	if (in->err[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(in->err, sizeof(in->err), fmt, ap);
	va_end(ap);
	c->errs[c->nerrs++] = (int)(in - c->in);
}

static void
input_end(struct cap_input *in)
{
	if (in->p != NULL)
		pcap_close(in->p);
	in->p = NULL;
	free(in->iobuf);
	in->iobuf = NULL;
	in->have = false;
	in->done_bytes = in->size;
}

static uint64_t
tv_usec(const struct timeval *tv)
{
	if (tv->tv_sec < 0)
		return 0;
	return (uint64_t)tv->tv_sec * 1000000 + (uint64_t)tv->tv_usec;
}

/* Reads the input's next packet into its own buffer, or ends it. */
static void
input_fill(struct capture *c, struct cap_input *in)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	const char *msg;
	int r;

	in->have = false;
	if (in->p == NULL)
		return;
	r = pcap_next_ex(in->p, &h, &d);
	if (r == 1) {
		in->data = d;
		in->caplen = h->caplen;
		in->wirelen = h->len;
		in->ts = tv_usec(&h->ts);
		in->have = true;
		in->nread++;
		return;
	}
	if (r == PCAP_ERROR) {
		msg = pcap_geterr(in->p);
		if (strstr(msg, "truncated") != NULL)
			input_fail(c, in, "%s: truncated after %llu packets: %s",
			    in->name, (unsigned long long)in->nread, msg);
		else
			input_fail(c, in, "%s: read error after %llu packets: "
			    "%s", in->name, (unsigned long long)in->nread, msg);
	}
	/* PCAP_ERROR_BREAK: the end of the file. */
	input_end(in);
}

/*
 * Compiles and sets the filter on p. Returns 0, or -1 with a fatal message
 * in err.
 */
static int
set_filter(pcap_t *p, const char *name, const char *bpf, char *err,
    size_t errlen)
{
	struct bpf_program prog;
	int ret = 0;

	if (bpf == NULL || bpf[0] == '\0')
		return 0;
	if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "bad filter `%s': %s", bpf,
		    pcap_geterr(p));
		return -1;
	}
	if (pcap_setfilter(p, &prog) == -1) {
		snprintf(err, errlen, "%s: cannot set filter `%s': %s", name,
		    bpf, pcap_geterr(p));
		ret = -1;
	}
	pcap_freecode(&prog);
	return ret;
}

/*
 * Opens one file. Problems with the file are recorded on the input; only a
 * bad filter is fatal (-1 with err set).
 */
static int
input_open(struct capture *c, struct cap_input *in, const char *bpf,
    char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct stat sb;
	FILE *fp;
	int fd;

	if (strcmp(in->name, "-") != 0) {
		if (stat(in->name, &sb) == -1) {
			input_fail(c, in, "%s: %s", in->name, strerror(errno));
			return 0;
		}
		if (S_ISDIR(sb.st_mode)) {
			input_fail(c, in, "%s: is a directory", in->name);
			return 0;
		}
		if (S_ISREG(sb.st_mode) && sb.st_size == 0) {
			input_fail(c, in, "%s: empty file", in->name);
			return 0;
		}
		/* Tell "cannot read" apart from "not a capture". */
		if ((fd = open(in->name, O_RDONLY | O_CLOEXEC)) == -1) {
			input_fail(c, in, "%s: %s", in->name, strerror(errno));
			return 0;
		}
		close(fd);
		if (S_ISREG(sb.st_mode))
			in->size = (uint64_t)sb.st_size;
	}
	errbuf[0] = '\0';
	/*
	 * The file is opened here so that its stdio buffer can be set before
	 * the first read: 1 MiB reads instead of the default 4 KiB make a
	 * large capture cost a few thousand read(2) calls, not hundreds of
	 * thousands.
	 */
	if (strcmp(in->name, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(in->name, "rb")) == NULL) {
		input_fail(c, in, "%s: %s", in->name, strerror(errno));
		return 0;
	} else if ((in->iobuf = malloc(CAP_FILE_BUFSZ)) != NULL) {
		/* glibc ignores the size unless it is given the buffer. */
		(void)setvbuf(fp, in->iobuf, _IOFBF, CAP_FILE_BUFSZ);
	}
	in->p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (in->p == NULL) {
		/* On failure the file is still ours (libpcap's savefile.c). */
		if (fp != stdin)
			fclose(fp);
		free(in->iobuf);
		in->iobuf = NULL;
		input_fail(c, in, "%s: not a pcap or pcapng file (%s)",
		    in->name, errbuf);
		return 0;
	}
	in->linktype = pcap_datalink(in->p);
	if (set_filter(in->p, in->name, bpf, err, errlen) == -1)
		return -1;
	c->total += in->size;
	input_fill(c, in);
	return 0;
}

static struct capture *
capture_new(int nin)
{
	struct capture *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->cur = -1;
	c->nin = nin;
	if ((c->in = calloc((size_t)nin, sizeof(*c->in))) == NULL ||
	    (c->errs = calloc((size_t)nin, sizeof(*c->errs))) == NULL) {
		free(c->in);
		free(c);
		return NULL;
	}
	for (int i = 0; i < nin; i++)
		c->in[i].linktype = -1;
	return c;
}

/*
 * With no file open the filter was never compiled; check it against
 * Ethernet so that a typo is still reported.
 */
static int
check_filter(const char *bpf, char *err, size_t errlen)
{
	pcap_t *p;
	int ret;

	if (bpf == NULL || bpf[0] == '\0')
		return 0;
	if ((p = pcap_open_dead(DLT_EN10MB, CAP_SNAPLEN)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ret = set_filter(p, "filter", bpf, err, errlen);
	pcap_close(p);
	return ret;
}

struct capture *
capture_open_files(char *const *paths, int npaths, const char *bpf,
    char *err, size_t errlen)
{
	struct capture *c;
	bool any = false;

	if (npaths <= 0) {
		snprintf(err, errlen, "no capture files given");
		return NULL;
	}
	if ((c = capture_new(npaths)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (int i = 0; i < npaths; i++) {
		if ((c->in[i].name = strdup(paths[i])) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	for (int i = 0; i < npaths; i++) {
		if (input_open(c, &c->in[i], bpf, err, errlen) == -1)
			goto fail;
		any |= c->in[i].linktype != -1;
	}
	if (!any && check_filter(bpf, err, errlen) == -1)
		goto fail;
	reader_start(c);
	return c;

fail:
	capture_close(c);
	return NULL;
}

struct capture *
capture_open_live(const char *iface, const char *bpf, int snaplen,
    bool promisc, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct capture *c;
	struct cap_input *in;
	int rc;

	if ((c = capture_new(1)) == NULL ||
	    (c->in[0].name = strdup(iface)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	c->live = true;
	in = &c->in[0];
	errbuf[0] = '\0';
	if ((in->p = pcap_create(iface, errbuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", iface, errbuf);
		goto fail;
	}
	if (pcap_set_snaplen(in->p, snaplen > 0 ? snaplen : CAP_SNAPLEN) != 0 ||
	    pcap_set_promisc(in->p, promisc ? 1 : 0) != 0 ||
	    pcap_set_immediate_mode(in->p, 0) != 0 ||
	    pcap_set_buffer_size(in->p, CAP_BUFFER_SIZE) != 0 ||
	    pcap_set_timeout(in->p, CAP_TIMEOUT_MS) != 0) {
		snprintf(err, errlen, "%s: cannot set capture options: %s",
		    iface, pcap_geterr(in->p));
		goto fail;
	}
	/* Microseconds are the default; a device that cannot is no error. */
	(void)pcap_set_tstamp_precision(in->p, PCAP_TSTAMP_PRECISION_MICRO);

	rc = pcap_activate(in->p);
	switch (rc) {
	case 0:
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(err, errlen, "%s: no such device (%s)", iface,
		    pcap_geterr(in->p));
		goto fail;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(err, errlen, "%s: permission denied: capturing needs "
		    "root or CAP_NET_RAW (%s)", iface, pcap_geterr(in->p));
		goto fail;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(err, errlen, "%s: permission denied for promiscuous "
		    "mode (%s)", iface, pcap_geterr(in->p));
		goto fail;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(err, errlen, "%s: interface is not up", iface);
		goto fail;
	default:
		if (rc < 0) {
			snprintf(err, errlen, "%s: cannot capture: %s (%s)",
			    iface, pcap_statustostr(rc), pcap_geterr(in->p));
			goto fail;
		}
		/* A warning: the capture works, maybe not as asked. */
		log_warn("%s: %s (%s)", iface, pcap_statustostr(rc),
		    pcap_geterr(in->p));
		break;
	}
	in->linktype = pcap_datalink(in->p);
	if (set_filter(in->p, iface, bpf, err, errlen) == -1)
		goto fail;
	return c;

fail:
	capture_close(c);
	return NULL;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	atomic_store_explicit(&c->stop, 1, memory_order_relaxed);
	reader_join(c);
	free(c->ring);
	for (int i = 0; i < c->nin; i++) {
		if (c->in[i].p != NULL)
			pcap_close(c->in[i].p);
		free(c->in[i].iobuf);
		free(c->in[i].name);
	}
	free(c->in);
	free(c->errs);
	free(c);
}

static int
live_next(struct capture *c, struct capture_pkt *pkt)
{
	struct cap_input *in = &c->in[0];
	struct pcap_pkthdr *h;
	const u_char *d;
	int r;

	while (!atomic_load_explicit(&c->stop, memory_order_relaxed) &&
	    in->p != NULL) {
		r = pcap_next_ex(in->p, &h, &d);
		if (r == 0 && c->idle_ticks) {
			/*
			 * Non-blocking: nothing buffered. A kernel block
			 * with no packet never times out, so wait here.
			 */
			struct pollfd pfd = { pcap_get_selectable_fd(in->p),
			    POLLIN, 0 };

			if (poll(&pfd, 1, CAP_TIMEOUT_MS) == 0)
				return CAPTURE_IDLE;
			continue;
		}
		if (r == 0)		/* the read timeout: look at stop */
			continue;
		if (r == 1) {
			/* pcap's buffer lives until the next read. */
			pkt->linktype = in->linktype;
			pkt->ts = tv_usec(&h->ts);
			pkt->data = d;
			pkt->caplen = h->caplen;
			pkt->wirelen = h->len;
			pkt->input = 0;
			in->nread++;
			in->ndelivered++;
			return 1;
		}
		if (r == PCAP_ERROR_BREAK)
			break;
		input_fail(c, in, "%s: read error: %s", in->name,
		    pcap_geterr(in->p));
		break;
	}
	return 0;
}

/* The next packet of the merged files, read in the calling thread. */
static int
files_next(struct capture *c, struct capture_pkt *pkt)
{
	struct cap_input *in;
	int best = -1;

	if (atomic_load_explicit(&c->stop, memory_order_relaxed))
		return 0;
	if (c->cur >= 0) {
		input_fill(c, &c->in[c->cur]);
		c->cur = -1;
	}
	/* Ties go to the lower index: the file named first. */
	for (int i = 0; i < c->nin; i++) {
		if (c->in[i].have &&
		    (best == -1 || c->in[i].ts < c->in[best].ts))
			best = i;
	}
	if (best == -1)
		return 0;
	in = &c->in[best];
	pkt->linktype = in->linktype;
	pkt->ts = in->ts;
	pkt->data = in->data;
	pkt->caplen = in->caplen;
	pkt->wirelen = in->wirelen;
	pkt->input = best;
	in->ndelivered++;
	c->cur = best;
	return 1;
}

/*
 * Waits for the other side of the ring: a few yields, then short sleeps.
 * The reader, usually the faster side, mostly sleeps here.
 */
static void
ring_wait(unsigned *spins)
{
	struct timespec ts = { 0, 100000 };

	if (++*spins < 4) {
		sched_yield();
		return;
	}
	nanosleep(&ts, NULL);
}

static uint64_t files_bytes_done(const struct capture *);

/* Copies one packet into the ring, waiting for room. -1 if stopped. */
static int
ring_put(struct capture *c, const struct capture_pkt *pkt)
{
	size_t need = (sizeof(struct ring_rec) + pkt->caplen + RING_ALIGN - 1) &
	    ~(size_t)(RING_ALIGN - 1);
	size_t head = atomic_load_explicit(&c->head, memory_order_relaxed);
	unsigned spins = 0;

	for (;;) {
		size_t off = head & (RING_SIZE - 1), contig = RING_SIZE - off;
		size_t want = need > contig ? contig : need;
		size_t room = RING_SIZE - (head - c->tail_seen);

		if (room < want) {
			c->tail_seen = atomic_load_explicit(&c->tail,
			    memory_order_acquire);
			room = RING_SIZE - (head - c->tail_seen);
		}
		if (room < want) {
			if (atomic_load_explicit(&c->stop,
			    memory_order_relaxed))
				return -1;
			ring_wait(&spins);
			continue;
		}
		if (need > contig) {
			/* Fill to the end; the record goes at the start. */
			struct ring_rec filler = { .len = (uint32_t)contig,
				.linktype = -1 };

			memcpy(c->ring + off, &filler, sizeof(filler));
			head += contig;
			atomic_store_explicit(&c->head, head,
			    memory_order_release);
			continue;
		}
		{
			struct ring_rec r = { .len = (uint32_t)need,
				.linktype = pkt->linktype, .input = pkt->input,
				.caplen = pkt->caplen, .ts = pkt->ts,
				.wirelen = pkt->wirelen };

			memcpy(c->ring + off, &r, sizeof(r));
			memcpy(c->ring + off + sizeof(r), pkt->data,
			    pkt->caplen);
			atomic_store_explicit(&c->head, head + need,
			    memory_order_release);
			return 0;
		}
	}
}

static void *
reader_main(void *arg)
{
	struct capture *c = arg;
	struct capture_pkt pkt;
	sigset_t all;
	uint64_t n = 0;

	/* Signals are the caller's business. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (files_next(c, &pkt) == 1) {
		/* A snap length beyond the ring's quarter is cut to it. */
		if (pkt.caplen > RING_SIZE / 4)
			pkt.caplen = RING_SIZE / 4;
		if (ring_put(c, &pkt) == -1)
			break;
		if ((++n & 1023) == 0)
			atomic_store_explicit(&c->bytes_done,
			    files_bytes_done(c), memory_order_relaxed);
	}
	atomic_store_explicit(&c->bytes_done, files_bytes_done(c),
	    memory_order_relaxed);
	atomic_store_explicit(&c->reader_done, true, memory_order_release);
	return NULL;
}

static void
reader_join(struct capture *c)
{
	if (!c->threaded)
		return;
	pthread_join(c->reader, NULL);
	c->threaded = false;
}

/* Makes the caller's progress visible to the reader. */
static void
ring_release(struct capture *c)
{
	atomic_store_explicit(&c->tail, c->tail_local, memory_order_release);
}

/* The next packet from the reader thread's ring. */
static int
ring_next(struct capture *c, struct capture_pkt *pkt)
{
	size_t published = atomic_load_explicit(&c->tail,
	    memory_order_relaxed);
	unsigned spins = 0;

	/* The record handed out last is no longer in use. */
	c->tail_local += c->held;
	c->held = 0;
	if (c->tail_local - published >= RING_RELEASE)
		ring_release(c);
	for (;;) {
		size_t tail = c->tail_local;
		struct ring_rec r;

		if (atomic_load_explicit(&c->stop, memory_order_relaxed))
			break;
		if (c->head_seen == tail)
			c->head_seen = atomic_load_explicit(&c->head,
			    memory_order_acquire);
		if (c->head_seen != tail) {
			memcpy(&r, c->ring + (tail & (RING_SIZE - 1)),
			    sizeof(r));
			if (r.linktype == -1) {
				c->tail_local += r.len;
				continue;
			}
			pkt->linktype = r.linktype;
			pkt->input = r.input;
			pkt->ts = r.ts;
			pkt->caplen = r.caplen;
			pkt->wirelen = r.wirelen;
			pkt->data = c->ring + (tail & (RING_SIZE - 1)) +
			    sizeof(r);
			c->held = r.len;
			/*
			 * The next record was written by the other core: ask
			 * for its header and first bytes while this one is
			 * decoded.
			 */
			if (c->head_seen - tail > r.len) {
				const uint8_t *nx = c->ring + ((tail + r.len) &
				    (RING_SIZE - 1));

				__builtin_prefetch(nx);
				__builtin_prefetch(nx + 64);
			}
			return 1;
		}
		/* Out of data: let the reader reuse everything first. */
		ring_release(c);
		if (atomic_load_explicit(&c->reader_done,
		    memory_order_acquire)) {
			/* Anything written before done is visible now. */
			if (atomic_load_explicit(&c->head,
			    memory_order_acquire) != tail)
				continue;
			break;
		}
		ring_wait(&spins);
	}
	atomic_store_explicit(&c->stop, 1, memory_order_relaxed);
	reader_join(c);
	return 0;
}

/*
 * Starts the reader thread. Without a thread (no memory, no thread) the
 * files are read in the caller's thread: slower, same packets.
 */
static void
reader_start(struct capture *c)
{
	if ((c->ring = malloc(RING_SIZE)) == NULL)
		return;
	if (pthread_create(&c->reader, NULL, reader_main, c) != 0) {
		free(c->ring);
		c->ring = NULL;
		return;
	}
	c->threaded = true;
}

int
capture_next(struct capture *c, struct capture_pkt *pkt)
{
	if (c->live)
		return live_next(c, pkt);
	if (c->threaded)
		return ring_next(c, pkt);
	if (c->ring != NULL)
		return 0;	/* the reader has finished */
	return files_next(c, pkt);
}

void
capture_idle_ticks(struct capture *c, bool on)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	if (!c->live || c->in[0].p == NULL ||
	    pcap_get_selectable_fd(c->in[0].p) == -1 ||
	    pcap_setnonblock(c->in[0].p, on ? 1 : 0, errbuf) != 0)
		return;
	c->idle_ticks = on;
}

void
capture_break(struct capture *c)
{
	atomic_store_explicit(&c->stop, 1, memory_order_relaxed);
	/* Wakes a blocked read (an eventfd write on Linux). */
	if (c->live && c->in[0].p != NULL)
		pcap_breakloop(c->in[0].p);
}

size_t
capture_nerrors(const struct capture *c)
{
	return c->nerrs;
}

const char *
capture_error(const struct capture *c, size_t i)
{
	if (i >= c->nerrs)
		return NULL;
	return c->in[c->errs[i]].err;
}

int
capture_ninputs(const struct capture *c)
{
	return c->nin;
}

const char *
capture_input_name(const struct capture *c, int i)
{
	if (i < 0 || i >= c->nin)
		return NULL;
	return c->in[i].name;
}

int
capture_linktype(const struct capture *c, int i)
{
	if (i < 0 || i >= c->nin)
		return -1;
	return c->in[i].linktype;
}

uint64_t
capture_input_packets(const struct capture *c, int i)
{
	if (i < 0 || i >= c->nin)
		return 0;
	return c->in[i].ndelivered;
}

uint64_t
capture_bytes_done(const struct capture *c)
{
	if (c->live)
		return 0;
	if (c->ring != NULL)
		return atomic_load_explicit(&c->bytes_done,
		    memory_order_relaxed);
	return files_bytes_done(c);
}

static uint64_t
files_bytes_done(const struct capture *c)
{
	uint64_t done = 0;
	off_t off;

	for (int i = 0; i < c->nin; i++) {
		const struct cap_input *in = &c->in[i];

		if (in->p == NULL) {
			done += in->done_bytes;
			continue;
		}
		/* stdio's position: read ahead by at most its buffer. */
		off = ftello(pcap_file(in->p));
		if (off > 0)
			done += (in->size == 0 || (uint64_t)off < in->size) ?
			    (uint64_t)off : in->size;
	}
	return done;
}

uint64_t
capture_bytes_total(const struct capture *c)
{
	return c->live ? 0 : c->total;
}

uint64_t
capture_drops(const struct capture *c)
{
	struct pcap_stat st;

	if (!c->live || c->in[0].p == NULL)
		return 0;
	if (pcap_stats(c->in[0].p, &st) == -1)
		return 0;
	return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

int
capture_fd(const struct capture *c)
{
	if (!c->live || c->in[0].p == NULL)
		return -1;
	return pcap_get_selectable_fd(c->in[0].p);
}
