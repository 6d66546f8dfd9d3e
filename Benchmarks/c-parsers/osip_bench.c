/*
 * osip_bench.c: `Benchmarks parser`'s work done with GNU oSIP2's parser (libosipparser2).
 *
 * One datagram is parsed with osip_message_init() + osip_message_parse() (which copies the
 * bytes, parses the start line, every header oSIP knows into its structure, and the body),
 * the fields are read through the public accessors, and the message is freed with
 * osip_message_free(). oSIP keeps text, not numbers: the CSeq number and Content-Length are
 * converted with strtoul(), as a user of the library has to.
 *
 * Build: cc -O2 -o osip_bench osip_bench.c $(pkg-config --cflags --libs libosip2) -ldl -lm
 */
#define BENCH_IMPL "osip2 5.3.0"
#include "bench_common.h"

#include <osipparser2/osip_parser.h>

__attribute__((noinline, noclone, used)) int parse_and_extract(const bench_msg *m,
                                                                uint64_t *digest)
{
    osip_message_t *sip = NULL;
    if (osip_message_init(&sip) != OSIP_SUCCESS)
        return 1;
    if (osip_message_parse(sip, m->data, m->len) != OSIP_SUCCESS) {
        osip_message_free(sip);
        return 1;
    }
    osip_call_id_t *call_id = osip_message_get_call_id(sip);
    osip_cseq_t *cseq = osip_message_get_cseq(sip);
    osip_via_t *via = NULL;
    if (!call_id || !cseq || osip_message_get_via(sip, 0, &via) < 0 || !via) {
        osip_message_free(sip);
        return 1;
    }
    osip_generic_param_t *branch = NULL, *from_tag = NULL, *to_tag = NULL;
    osip_via_param_get_byname(via, "branch", &branch);
    if (sip->from)
        osip_from_get_tag(sip->from, &from_tag);
    if (sip->to)
        osip_to_get_tag(sip->to, &to_tag);
    osip_content_length_t *clen = osip_message_get_content_length(sip);
    osip_body_t *body = NULL;
    osip_message_get_body(sip, 0, &body);

    uint64_t d = bench_fold_cstr(0, call_id->number);
    d = bench_fold_cstr(d, call_id->host);
    d = bench_fold_u(d, cseq->number ? strtoul(cseq->number, NULL, 10) : 0);
    d = bench_fold_cstr(d, cseq->method);
    d = bench_fold_cstr(d, branch ? branch->gvalue : NULL);
    d = bench_fold_cstr(d, via->host);
    d = bench_fold_cstr(d, via->port);
    d = bench_fold_cstr(d, from_tag ? from_tag->gvalue : NULL);
    d = bench_fold_cstr(d, to_tag ? to_tag->gvalue : NULL);
    d = bench_fold_u(d, clen && clen->value ? strtoul(clen->value, NULL, 10) : (uint64_t)-1);
    d = bench_fold(d, body ? body->body : NULL, body ? body->length : 0);
    osip_message_free(sip);
    *digest = d;
    return 0;
}

static int bench_inspect(const bench_msg *m, bench_fields *f, char *why, size_t whylen)
{
    osip_message_t *sip = NULL;
    int err = osip_message_init(&sip);
    if (err != OSIP_SUCCESS) {
        snprintf(why, whylen, "osip_message_init() returned %d", err);
        return 1;
    }
    err = osip_message_parse(sip, m->data, m->len);
    if (err != OSIP_SUCCESS) {
        snprintf(why, whylen, "osip_message_parse() returned %d", err);
        osip_message_free(sip);
        return 1;
    }
    osip_call_id_t *call_id = osip_message_get_call_id(sip);
    if (call_id && call_id->number) {
        char text[2 * BENCH_FIELD];
        snprintf(text, sizeof text, "%s%s%s", call_id->number, call_id->host ? "@" : "",
                 call_id->host ? call_id->host : "");
        bench_copy_cstr(f->call_id, text);
    }
    osip_cseq_t *cseq = osip_message_get_cseq(sip);
    if (cseq) {
        f->cseq_number = cseq->number ? strtoul(cseq->number, NULL, 10) : 0;
        bench_copy_cstr(f->cseq_method, cseq->method);
    }
    osip_via_t *via = NULL;
    if (osip_message_get_via(sip, 0, &via) >= 0 && via) {
        osip_generic_param_t *branch = NULL;
        osip_via_param_get_byname(via, "branch", &branch);
        if (branch)
            bench_copy_cstr(f->via_branch, branch->gvalue);
        bench_copy_cstr(f->via_host, via->host);
        if (via->port)
            f->via_port = strtol(via->port, NULL, 10);
    }
    osip_generic_param_t *tag = NULL;
    if (sip->from && osip_from_get_tag(sip->from, &tag) == OSIP_SUCCESS && tag)
        bench_copy_cstr(f->from_tag, tag->gvalue);
    tag = NULL;
    if (sip->to && osip_to_get_tag(sip->to, &tag) == OSIP_SUCCESS && tag)
        bench_copy_cstr(f->to_tag, tag->gvalue);
    osip_content_length_t *clen = osip_message_get_content_length(sip);
    if (clen && clen->value)
        f->content_length = strtol(clen->value, NULL, 10);
    osip_body_t *body = NULL;
    if (osip_message_get_body(sip, 0, &body) >= 0 && body) {
        f->body_len = body->length;
        f->body_fnv = bench_fnv1a(body->body, body->length);
        if (osip_list_size(&sip->bodies) > 1) {
            snprintf(why, whylen, "body split into %d parts", osip_list_size(&sip->bodies));
            osip_message_free(sip);
            return 1;
        }
    } else {
        f->body_fnv = bench_fnv1a("", 0);
    }
    osip_message_free(sip);
    return 0;
}

static int bench_setup(bench_msg *msgs, size_t count)
{
    (void)msgs, (void)count;
    return parser_init() == OSIP_SUCCESS ? 0 : 1;
}

static void bench_teardown(bench_msg *msgs, size_t count)
{
    (void)msgs, (void)count;
}

int main(int argc, char **argv)
{
    return bench_main(argc, argv);
}
