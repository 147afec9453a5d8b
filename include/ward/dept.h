/*
 * dept.h - departments and locations: which part of the hospital a device
 * belongs to, from its addresses.
 *
 * A YAML file (format in docs/departments.md, example in
 * rules/departments.example.yaml) maps IPv4 and IPv6 subnets (CIDR) and
 * VLAN ids to a department with an optional location and building. An
 * asset's department is the one whose subnet holds one of its IPs with the
 * longest prefix (the most specific wins); when no subnet holds any of its
 * IPs, the one that names the VLAN its traffic was last seen on.
 */
#ifndef WARD_DEPT_H
#define WARD_DEPT_H

#include <stddef.h>
#include <stdint.h>

#include "ward/addr.h"

struct asset;

#define DEPT_MAX		4096	/* departments in one file */
#define DEPT_SUBNETS_MAX	65536	/* subnets in all */
#define DEPT_TEXT_MAX		128	/* bytes of a name, location, building */

struct dept {
	const char	*name;
	const char	*location;	/* NULL when not given */
	const char	*building;	/* NULL when not given */
};

struct dept_map;

/*
 * Loads and checks a departments file. On error returns NULL and writes to
 * err a message naming the file, the line and the key that is wrong.
 */
struct dept_map *dept_load(const char *path, char *err, size_t errlen);
/* The same from a string; name stands for the file in messages. */
struct dept_map *dept_parse(const char *text, size_t len, const char *name,
    char *err, size_t errlen);
void dept_free(struct dept_map *);
size_t dept_count(const struct dept_map *);

/*
 * The department whose subnet holds ip with the longest prefix, or NULL.
 * *plen (may be NULL) receives that prefix length.
 */
const struct dept *dept_by_ip(const struct dept_map *,
    const struct ward_addr *ip, int *plen);
/* The department that names this VLAN id, or NULL. */
const struct dept *dept_by_vlan(const struct dept_map *, uint16_t vlan);

/*
 * The department of an asset (its IPs, then its VLAN), or NULL; the map
 * may be NULL. When found and how is not NULL, writes there what matched:
 * "10.77.0.0/24" or "vlan 20".
 */
const struct dept *dept_of_asset(const struct dept_map *,
    const struct asset *, char *how, size_t howlen);

#endif
