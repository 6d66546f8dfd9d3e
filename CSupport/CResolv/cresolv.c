#include "cresolv.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

struct cresolv_state {
    struct __res_state res;
};

cresolv_state *cresolv_open(void) {
    cresolv_state *state = calloc(1, sizeof *state);
    if (state == NULL) return NULL;
    if (res_ninit(&state->res) != 0) {
        res_nclose(&state->res);
        free(state);
        return NULL;
    }
    return state;
}

int cresolv_use_nameserver(cresolv_state *state, const char *ipv4, uint16_t port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (inet_pton(AF_INET, ipv4, &address.sin_addr) != 1) return -1;
    state->res.nsaddr_list[0] = address;
    state->res.nscount = 1;
    state->res.retrans = 2;
    state->res.retry = 2;
    return 0;
}

void cresolv_close(cresolv_state *state) {
    if (state == NULL) return;
    res_nclose(&state->res);
    free(state);
}

int cresolv_query(cresolv_state *state, const char *name, int type, uint8_t *answer, int capacity, int *error) {
    int length = res_nquery(&state->res, name, ns_c_in, type, answer, capacity);
    if (length < 0) {
        *error = state->res.res_h_errno;
        return -1;
    }
    *error = 0;
    return length < capacity ? length : capacity;
}

static int section_of(int section, ns_sect *out) {
    switch (section) {
    case 1: *out = ns_s_an; return 0;
    case 2: *out = ns_s_ns; return 0;
    case 3: *out = ns_s_ar; return 0;
    default: return -1;
    }
}

int cresolv_count(const uint8_t *message, int length, int section) {
    ns_msg handle;
    ns_sect sect;
    if (section_of(section, &sect) != 0) return -1;
    if (ns_initparse(message, length, &handle) != 0) return -1;
    return ns_msg_count(handle, sect);
}

int cresolv_record_at(const uint8_t *message, int length, int section, int index, cresolv_record *record) {
    ns_msg handle;
    ns_rr rr;
    ns_sect sect;
    memset(record, 0, sizeof *record);
    if (section_of(section, &sect) != 0) return -1;
    if (ns_initparse(message, length, &handle) != 0) return -1;
    if (index < 0 || index >= ns_msg_count(handle, sect)) return -1;
    if (ns_parserr(&handle, sect, index, &rr) != 0) return -1;
    record->type = ns_rr_type(rr);
    record->ttl = ns_rr_ttl(rr);
    strncpy(record->name, ns_rr_name(rr), sizeof record->name - 1);
    const uint8_t *data = ns_rr_rdata(rr);
    int data_length = ns_rr_rdlen(rr);
    switch (record->type) {
    case ns_t_a:
        if (data_length != 4) return -1;
        memcpy(record->address, data, 4);
        record->address_length = 4;
        break;
    case ns_t_aaaa:
        if (data_length != 16) return -1;
        memcpy(record->address, data, 16);
        record->address_length = 16;
        break;
    case ns_t_srv:
        if (data_length < 7) return -1;
        record->priority = (uint16_t)(data[0] << 8 | data[1]);
        record->weight = (uint16_t)(data[2] << 8 | data[3]);
        record->port = (uint16_t)(data[4] << 8 | data[5]);
        // The target may be compressed against the whole message; dn_expand checks that every
        // pointer stays inside it. It must also end inside the record's own data.
        {
            int used = dn_expand(message, message + length, data + 6, record->target, sizeof record->target);
            if (used < 0 || used > data_length - 6) return -1;
        }
        break;
    default:
        break;
    }
    return 0;
}
