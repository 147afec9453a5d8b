/*
 * sensor.h - the passive pipeline from frames to observations:
 *
 *	frame -> decode -> flow table -> stream reassembly -> dissectors
 *	                                                         |
 *	ARP/NDP bindings, new flows, services, flow records -> observations
 *
 * The sensor owns the decoder, the flow table and the observation bus; the
 * consumers (inventory, EVE log, detection) subscribe to the bus. It does no
 * I/O: the caller feeds frames and reads the bus.
 */
#ifndef WARD_SENSOR_H
#define WARD_SENSOR_H

#include <stdint.h>

#include "ward/decode.h"
#include "ward/expect.h"
#include "ward/flow.h"
#include "ward/malform.h"
#include "ward/obs.h"

struct sensor_config {
	struct decode_config	 decode;
	struct flow_config	 flow;
};

void sensor_config_defaults(struct sensor_config *);

struct sensor_stats {
	uint64_t		 frames;
	uint64_t		 bytes;		/* captured wire bytes */
	uint64_t		 first_ts;
	uint64_t		 last_ts;
	uint64_t		 out_of_order;	/* timestamps going backwards */
	uint64_t		 app_bytes;	/* payload given to dissectors */
	struct malform_counts	 mal;		/* application-layer kinds */
};

struct sensor;

struct sensor *sensor_new(const struct sensor_config *);
/* Flushes nothing: call sensor_finish() first to end every flow. */
void sensor_free(struct sensor *);
struct obs_bus *sensor_bus(struct sensor *);

void sensor_frame(struct sensor *, int linktype, uint64_t ts,
    const uint8_t *frame, uint32_t caplen, uint32_t wirelen);
/* Ends every live flow (their records reach the bus). */
void sensor_finish(struct sensor *);

const struct sensor_stats *sensor_stats(const struct sensor *);
const struct decode_stats *sensor_decode_stats(const struct sensor *);
const struct flow_stats *sensor_flow_stats(const struct sensor *);
/* The table of flows announced by dissectors (FTP data connections). */
const struct expect_stats *sensor_expect_stats(const struct sensor *);
/* Decode and application malformations added up, by kind. */
void sensor_malformations(const struct sensor *, struct malform_counts *);

#endif
