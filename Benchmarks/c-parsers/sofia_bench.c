/*
 * sofia_bench.c: `Benchmarks parser`'s work done with sofia-sip's message parser.
 *
 * One datagram is parsed the way sofia-sip's UDP transport does it: a msg_t of the SIP
 * message class (sip_default_mclass()), msg_recv_iovec() for a receive buffer of the
 * datagram's size, the bytes copied in (standing in for recvmsg()), msg_recv_commit() with
 * end-of-stream, and msg_extract(), which parses the start line and every header into the
 * sip_t. The flags are MSG_DO_CANONIC, nta's default. The fields are then read from the sip_t
 * and the message freed with msg_destroy().
 *
 * Build: cc -O2 -o sofia_bench sofia_bench.c $(pkg-config --cflags --libs sofia-sip-ua) -ldl -lm
 */
#define BENCH_IMPL "sofia-sip 1.12.11"
#include "bench_common.h"

#include <sofia-sip/msg.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>

static msg_mclass_t const *sip_mclass;

/* Receives msg->data into a new msg_t and extracts it. Returns the message, or NULL with
 * *status set: -1 allocation failure, -2 extraction error, -3 incomplete. */
static inline msg_t *sofia_parse(const bench_msg *m, int *status)
{
    msg_t *msg = msg_create(sip_mclass, MSG_DO_CANONIC);
    if (!msg) {
        *status = -1;
        return NULL;
    }
    msg_iovec_t vec[2];
    issize_t veclen = msg_recv_iovec(msg, vec, 2, m->len, 1);
    if (veclen < 0) {
        msg_destroy(msg);
        *status = -1;
        return NULL;
    }
    size_t offset = 0;
    for (issize_t i = 0; i < veclen && offset < m->len; i++) {
        size_t n = vec[i].mv_len;
        if (n > m->len - offset)
            n = m->len - offset;
        memcpy(vec[i].mv_base, m->data + offset, n);
        offset += n;
    }
    msg_recv_commit(msg, m->len, 1);
    int extracted = msg_extract(msg);
    if (extracted <= 0) {
        *status = extracted < 0 ? -2 : -3;
        msg_destroy(msg);
        return NULL;
    }
    *status = 0;
    return msg;
}

__attribute__((noinline, noclone, used)) int parse_and_extract(const bench_msg *m,
                                                                uint64_t *digest)
{
    int status;
    msg_t *msg = sofia_parse(m, &status);
    if (!msg)
        return 1;
    sip_t const *sip = sip_object(msg);
    if (!sip || !sip->sip_call_id || !sip->sip_cseq || !sip->sip_via) {
        msg_destroy(msg);
        return 1;
    }
    sip_via_t const *via = sip->sip_via;
    uint64_t d = bench_fold_cstr(0, sip->sip_call_id->i_id);
    d = bench_fold_u(d, sip->sip_cseq->cs_seq);
    d = bench_fold_cstr(d, sip->sip_cseq->cs_method_name) + (uint64_t)sip->sip_cseq->cs_method;
    d = bench_fold_cstr(d, via->v_branch);
    d = bench_fold_cstr(d, via->v_host);
    d = bench_fold_cstr(d, via->v_port);
    d = bench_fold_cstr(d, sip->sip_from ? sip->sip_from->a_tag : NULL);
    d = bench_fold_cstr(d, sip->sip_to ? sip->sip_to->a_tag : NULL);
    d = bench_fold_u(d, sip->sip_content_length ? sip->sip_content_length->l_length
                                                : (uint64_t)-1);
    sip_payload_t const *pl = sip->sip_payload;
    d = bench_fold(d, pl ? pl->pl_data : NULL, pl ? pl->pl_len : 0);
    msg_destroy(msg);
    *digest = d;
    return 0;
}

static int bench_inspect(const bench_msg *m, bench_fields *f, char *why, size_t whylen)
{
    int status;
    msg_t *msg = sofia_parse(m, &status);
    if (!msg) {
        snprintf(why, whylen, "%s",
                 status == -1 ? "msg_create/msg_recv_iovec failed"
                 : status == -2 ? "msg_extract() returned an error"
                                : "msg_extract() says the message is incomplete");
        return 1;
    }
    sip_t const *sip = sip_object(msg);
    if (!sip) {
        snprintf(why, whylen, "no sip_t after msg_extract()");
        msg_destroy(msg);
        return 1;
    }
    /* Headers sofia could not parse are kept as sip_error entries; a message with any is
     * not a clean parse, so it is reported as rejected. */
    if (sip->sip_error) {
        size_t used = (size_t)snprintf(why, whylen, "headers that did not parse:");
        for (sip_error_t const *e = sip->sip_error; e && used < whylen; e = e->er_next)
            used += (size_t)snprintf(why + used, whylen - used, " %s",
                                     e->er_name ? e->er_name : "(unnamed)");
        msg_destroy(msg);
        return 1;
    }
    if (sip->sip_flags & MSG_FLG_ERROR) {
        snprintf(why, whylen, "message flagged MSG_FLG_ERROR");
        msg_destroy(msg);
        return 1;
    }
    if (sip->sip_call_id)
        bench_copy_cstr(f->call_id, sip->sip_call_id->i_id);
    if (sip->sip_cseq) {
        f->cseq_number = sip->sip_cseq->cs_seq;
        bench_copy_cstr(f->cseq_method, sip->sip_cseq->cs_method_name);
    }
    if (sip->sip_via) {
        bench_copy_cstr(f->via_branch, sip->sip_via->v_branch);
        bench_copy_cstr(f->via_host, sip->sip_via->v_host);
        if (sip->sip_via->v_port)
            f->via_port = strtol(sip->sip_via->v_port, NULL, 10);
    }
    if (sip->sip_from)
        bench_copy_cstr(f->from_tag, sip->sip_from->a_tag);
    if (sip->sip_to)
        bench_copy_cstr(f->to_tag, sip->sip_to->a_tag);
    if (sip->sip_content_length)
        f->content_length = (long)sip->sip_content_length->l_length;
    if (sip->sip_payload) {
        f->body_len = sip->sip_payload->pl_len;
        f->body_fnv = bench_fnv1a(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
    } else {
        f->body_fnv = bench_fnv1a("", 0);
    }
    msg_destroy(msg);
    return 0;
}

static int bench_setup(bench_msg *msgs, size_t count)
{
    (void)msgs, (void)count;
    sip_mclass = sip_default_mclass();
    return sip_mclass ? 0 : 1;
}

static void bench_teardown(bench_msg *msgs, size_t count)
{
    (void)msgs, (void)count;
}

int main(int argc, char **argv)
{
    return bench_main(argc, argv);
}
