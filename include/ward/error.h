/*
 * error.h - ward's error codes. Functions return 0 or a negative WARD_E*.
 */
#ifndef WARD_ERROR_H
#define WARD_ERROR_H

enum {
	WARD_OK = 0,
	WARD_ENOMEM = -1,	/* out of memory or over a memory budget */
	WARD_EINVAL = -2,	/* invalid argument or configuration */
	WARD_EIO = -3,		/* read or write failed */
	WARD_EFORMAT = -4,	/* input is not in the expected format */
	WARD_ETRUNC = -5,	/* input ends early */
	WARD_ESTORE = -6,	/* the store refused an operation */
	WARD_ENOTFOUND = -7,	/* no such file, interface or record */
	WARD_EPERM = -8,	/* not permitted */
};

const char *ward_strerror(int);

#endif
