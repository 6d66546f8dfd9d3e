/*
 * re_bench.c: `Benchmarks parser`'s work done with libre's (baresip's) SIP message decoder.
 *
 * One datagram is parsed with sip_msg_decode() on an mbuf holding the datagram, as libre's
 * SIP UDP transport does: it splits the start line and every header, decodes the top Via,
 * To, From and CSeq, and leaves the mbuf positioned at the body. The fields are read from the
 * struct sip_msg (pointer-length views into the mbuf) and the message is freed with
 * mem_deref(). Like ours (which parses a ByteBuffer it is handed), the mbuf is the caller's:
 * one per corpus message, built once, its position rewound before each decode; libre's own
 * UDP receive path would allocate a fresh mbuf per datagram, which is not counted here.
 *
 * Build: cc -O2 -o re_bench re_bench.c $(pkg-config --cflags --libs libre) -ldl -lm
 */
#define BENCH_IMPL "libre 1.1.0"
#include "bench_common.h"

#include <re.h>

static inline struct mbuf *re_mbuf_of(const bench_msg *m)
{
    struct mbuf *mb = m->prepared;
    mbuf_set_pos(mb, 0);
    return mb;
}

__attribute__((noinline, noclone, used)) int parse_and_extract(const bench_msg *m,
                                                                uint64_t *digest)
{
    struct sip_msg *msg = NULL;
    if (sip_msg_decode(&msg, re_mbuf_of(m)) != 0)
        return 1;
    uint64_t d = bench_fold(0, msg->callid.p, msg->callid.l);
    d = bench_fold_u(d, msg->cseq.num);
    d = bench_fold(d, msg->cseq.met.p, msg->cseq.met.l);
    d = bench_fold(d, msg->via.branch.p, msg->via.branch.l);
    d = bench_fold(d, msg->via.sentby.p, msg->via.sentby.l);
    d = bench_fold_u(d, sa_port(&msg->via.addr));
    d = bench_fold(d, msg->from.tag.p, msg->from.tag.l);
    d = bench_fold(d, msg->to.tag.p, msg->to.tag.l);
    d = bench_fold_u(d, pl_isset(&msg->clen) ? pl_u32(&msg->clen) : (uint64_t)-1);
    d = bench_fold(d, mbuf_buf(msg->mb), mbuf_get_left(msg->mb));
    mem_deref(msg);
    *digest = d;
    return 0;
}

static int bench_inspect(const bench_msg *m, bench_fields *f, char *why, size_t whylen)
{
    struct sip_msg *msg = NULL;
    int err = sip_msg_decode(&msg, re_mbuf_of(m));
    if (err) {
        snprintf(why, whylen, "sip_msg_decode() returned %d (%s%s)", err, strerror(err),
                 err == ENOENT ? ": libre's re_regex() found no match, so the start line or a"
                                 " Via/To/From/CSeq header did not decode"
                               : "");
        return 1;
    }
    bench_copy(f->call_id, msg->callid.p, msg->callid.l);
    f->cseq_number = msg->cseq.num;
    bench_copy(f->cseq_method, msg->cseq.met.p, msg->cseq.met.l);
    bench_copy(f->via_branch, msg->via.branch.p, msg->via.branch.l);
    /* libre keeps the sent-by as one host[:port] view plus a decoded address; print the host
     * part and the decoded port so the dump reads like the other harnesses'. */
    struct pl host = msg->via.sentby;
    const char *colon = host.p ? memchr(host.p, ':', host.l) : NULL;
    if (colon && host.p[0] != '[')
        host.l = (size_t)(colon - host.p);
    bench_copy(f->via_host, host.p, host.l);
    if (colon)
        f->via_port = sa_port(&msg->via.addr);
    bench_copy(f->from_tag, msg->from.tag.p, msg->from.tag.l);
    bench_copy(f->to_tag, msg->to.tag.p, msg->to.tag.l);
    if (pl_isset(&msg->clen))
        f->content_length = (long)pl_u32(&msg->clen);
    f->body_len = mbuf_get_left(msg->mb);
    f->body_fnv = bench_fnv1a(mbuf_buf(msg->mb), f->body_len);
    mem_deref(msg);
    return 0;
}

static int bench_setup(bench_msg *msgs, size_t count)
{
    if (libre_init() != 0)
        return 1;
    for (size_t i = 0; i < count; i++) {
        struct mbuf *mb = mbuf_alloc(msgs[i].len);
        if (!mb || mbuf_write_mem(mb, (const uint8_t *)msgs[i].data, msgs[i].len) != 0)
            return 1;
        msgs[i].prepared = mb;
    }
    return 0;
}

static void bench_teardown(bench_msg *msgs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        msgs[i].prepared = mem_deref(msgs[i].prepared);
    libre_close();
}

int main(int argc, char **argv)
{
    return bench_main(argc, argv);
}
