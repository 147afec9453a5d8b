/*
 * log.c - the logger (see log.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "ward/error.h"
#include "ward/log.h"

static const char	*log_role = "ward";
static enum log_level	 log_level = LOG_LVL_WARN;
static int		 log_syslog;

static const char *const level_names[] = { "error", "warning", "info",
	"debug" };
static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
	LOG_DEBUG };

void
log_init(const char *role, enum log_level lvl, int use_syslog)
{
	log_role = role;
	log_level = lvl;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(role, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void
vlog(enum log_level lvl, const char *func, const char *fmt, va_list ap)
{
	char buf[2048];

	if (lvl > log_level)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_syslog) {
		if (func != NULL)
			syslog(syslog_prio[lvl], "%s: %s", func, buf);
		else
			syslog(syslog_prio[lvl], "%s", buf);
		return;
	}
	if (func != NULL)
		fprintf(stderr, "%s: %s: %s: %s\n", log_role, level_names[lvl],
		    func, buf);
	else
		fprintf(stderr, "%s: %s: %s\n", log_role, level_names[lvl], buf);
}

void
log_msg(enum log_level lvl, const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, func, fmt, ap);
	va_end(ap);
}

#define LOG_FN(name, lvl)                                 \
	void name(const char *fmt, ...)                   \
	{                                                 \
		va_list ap;                               \
		va_start(ap, fmt);                        \
		vlog(lvl, NULL, fmt, ap);                 \
		va_end(ap);                               \
	}

LOG_FN(log_error, LOG_LVL_ERROR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(70);
}

const char *
ward_strerror(int e)
{
	switch (e) {
	case WARD_OK:
		return "success";
	case WARD_ENOMEM:
		return "out of memory";
	case WARD_EINVAL:
		return "invalid argument";
	case WARD_EIO:
		return "input/output error";
	case WARD_EFORMAT:
		return "unrecognised format";
	case WARD_ETRUNC:
		return "truncated input";
	case WARD_ESTORE:
		return "store error";
	case WARD_ENOTFOUND:
		return "not found";
	case WARD_EPERM:
		return "not permitted";
	}
	return "unknown error";
}
