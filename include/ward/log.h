/*
 * log.h - one logger for every ward process.
 *
 * Lines go to stderr (or syslog for daemons) as "ward[role]: level: text".
 * The _f variants prefix the calling function. Nothing logs per packet.
 */
#ifndef WARD_LOG_H
#define WARD_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(const char *role, enum log_level, int use_syslog);
void log_set_level(enum log_level);
enum log_level log_get_level(void);

void log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_msg(enum log_level, const char *func, const char *, ...)
    __attribute__((format(printf, 3, 4)));
/* Broken invariant: logs and exits. Never for bad input from the network. */
void fatal(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#define log_error_f(...) log_msg(LOG_LVL_ERROR, __func__, __VA_ARGS__)
#define log_warn_f(...) log_msg(LOG_LVL_WARN, __func__, __VA_ARGS__)
#define log_debug_f(...) log_msg(LOG_LVL_DEBUG, __func__, __VA_ARGS__)

#endif
