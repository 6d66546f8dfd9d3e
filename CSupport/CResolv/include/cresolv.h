// glibc's stub resolver (libresolv) for Swift: DNS queries of any type (SRV, A, AAAA) with
// the system's /etc/resolv.conf, or one given name server, and the records of an answer.
// `struct __res_state` is large and full of unions, and the record accessors (ns_rr_type,
// ns_msg_count, ...) are macros, so Swift gets an opaque state and one plain record struct.
//
// Queries block (the resolver waits for the server, with its own timeouts and retries): call
// them off an event loop. The parsing is libresolv's (ns_initparse, ns_parserr, dn_expand),
// which checks every length and compression pointer against the message.
#ifndef CRESOLV_H
#define CRESOLV_H

#include <stdint.h>

/// A resolver state (res_ninit): owned by its caller, used by one thread at a time.
typedef struct cresolv_state cresolv_state;

/// A new state from /etc/resolv.conf, or NULL when res_ninit fails.
cresolv_state *cresolv_open(void);

/// Makes `ipv4` (dotted quad) at `port` the only name server, with 2 tries of 2 s: 0, or -1
/// when the address does not parse.
int cresolv_use_nameserver(cresolv_state *state, const char *ipv4, uint16_t port);

void cresolv_close(cresolv_state *state);

/// res_nquery of `name` (class IN, `type`: 1 A, 28 AAAA, 33 SRV, ...) into `answer`: the
/// answer's length, or -1 with `*error` set to the resolver's h_errno (1 HOST_NOT_FOUND,
/// i.e. NXDOMAIN; 2 TRY_AGAIN; 3 NO_RECOVERY; 4 NO_DATA).
int cresolv_query(cresolv_state *state, const char *name, int type, uint8_t *answer, int capacity, int *error);

/// One resource record of a message, decoded.
typedef struct {
    uint16_t type;
    uint32_t ttl;
    /// Owner name, dotted, without the trailing dot.
    char name[1025];
    /// SRV (RFC 2782): priority, weight, port and target (dotted; "." for "no service").
    uint16_t priority;
    uint16_t weight;
    uint16_t port;
    char target[1025];
    /// A: 4 bytes, AAAA: 16; 0 for other types.
    uint8_t address[16];
    int address_length;
} cresolv_record;

/// The number of records in `section` (1 answer, 3 additional) of `message`, or -1 when the
/// message does not parse.
int cresolv_count(const uint8_t *message, int length, int section);

/// Record `index` of `section` into `record`: 0, or -1 when the message, the record or its
/// data (a short SRV, an A of other than 4 bytes) is malformed.
int cresolv_record_at(const uint8_t *message, int length, int section, int index, cresolv_record *record);

#endif
