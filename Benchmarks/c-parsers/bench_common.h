/*
 * bench_common.h: the driver shared by sofia_bench.c, osip_bench.c and re_bench.c.
 *
 * It mirrors `Benchmarks parser` (Benchmarks/ParserBenchmark.swift): load the corpus once,
 * one checked pass, warm-up, calibration, an allocation-counting run, then timed
 * repetitions of equal pass counts sharing --seconds; the median repetition is reported.
 *
 * Each harness (one per library) includes this file once and defines:
 *
 *   BENCH_IMPL                      the implementation label, e.g. "sofia-sip 1.12.11"
 *   int  bench_setup(bench_msg *, size_t)   library init and per-message preparation
 *   void bench_teardown(bench_msg *, size_t)
 *   int  parse_and_extract(const bench_msg *, uint64_t *digest)
 *        the measured work: parse, read the fields, fold them into *digest, free;
 *        returns 0, or non-zero when the library rejects the message
 *   int  bench_inspect(const bench_msg *, bench_fields *, char *why, size_t whylen)
 *        untimed: parse once and copy the fields out (for the checked pass and --dump);
 *        returns 0, or non-zero with a reason in `why`
 *
 * Allocation counting uses MallocInterposerSwift's C API, looked up with dlsym, so it only
 * works when libMallocInterposerSwift.so is LD_PRELOADed (compare.sh does that); without it
 * the program runs and reports allocations as unavailable.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef BENCH_IMPL
#error "define BENCH_IMPL before including bench_common.h"
#endif

/* One corpus message: its file name, its bytes (NUL-terminated copy, len excludes the NUL)
 * and a slot for per-library preparation (libre keeps its mbuf there). */
typedef struct {
    char *name;
    char *data;
    size_t len;
    void *prepared;
} bench_msg;

/* The extracted fields as text, for the checked pass and --dump (untimed). */
#define BENCH_FIELD 256
typedef struct {
    char call_id[BENCH_FIELD];
    unsigned long cseq_number;
    char cseq_method[BENCH_FIELD];
    char via_branch[BENCH_FIELD];
    char via_host[BENCH_FIELD];
    long via_port;              /* -1 when the sent-by has no port */
    char from_tag[BENCH_FIELD];
    char to_tag[BENCH_FIELD];   /* empty when there is none */
    long content_length;        /* -1 when there is no Content-Length */
    const void *body;           /* only valid during bench_inspect; copied below */
    size_t body_len;
    uint32_t body_fnv;          /* FNV-1a of the body bytes */
} bench_fields;

static int bench_setup(bench_msg *msgs, size_t count);
static void bench_teardown(bench_msg *msgs, size_t count);
int parse_and_extract(const bench_msg *msg, uint64_t *digest);
static int bench_inspect(const bench_msg *msg, bench_fields *fields, char *why, size_t whylen);

/* ---- digest helpers (the same folding as ParserBenchmark.parseAndExtract) ---- */

static inline uint64_t bench_fold(uint64_t digest, const void *bytes, size_t len)
{
    if (!bytes || len == 0)
        return digest * 31;
    const unsigned char *b = bytes;
    return ((digest * 31 + len) * 31 + b[0]) * 31 + b[len - 1];
}

static inline uint64_t bench_fold_cstr(uint64_t digest, const char *s)
{
    return s ? bench_fold(digest, s, strlen(s)) : digest * 31;
}

static inline uint64_t bench_fold_u(uint64_t digest, uint64_t value)
{
    return digest * 31 + value;
}

static uint32_t bench_fnv1a(const void *bytes, size_t len)
{
    const unsigned char *b = bytes;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}

/* Copies at most len bytes of s into a BENCH_FIELD buffer (empty for NULL). */
__attribute__((unused)) static void bench_copy(char dst[BENCH_FIELD], const char *s, size_t len)
{
    if (!s) {
        dst[0] = '\0';
        return;
    }
    if (len >= BENCH_FIELD)
        len = BENCH_FIELD - 1;
    memcpy(dst, s, len);
    dst[len] = '\0';
}

__attribute__((unused)) static void bench_copy_cstr(char dst[BENCH_FIELD], const char *s)
{
    bench_copy(dst, s, s ? strlen(s) : 0);
}

/* ---- allocation counting through MallocInterposerSwift (optional) ---- */

typedef struct {
    void (*reset)(void);
    void (*enable)(void);
    void (*disable)(void);
    void (*get_stats)(int64_t *, int64_t *, int64_t *, int64_t *, int64_t *, int64_t *);
} bench_interposer;

/* Through a volatile pointer so that the compiler cannot drop the malloc/free pair. */
static void *(*volatile bench_malloc_fn)(size_t) = malloc;
static void (*volatile bench_free_fn)(void *) = free;

static int64_t bench_interposer_mallocs(const bench_interposer *ip)
{
    int64_t count, bytes, small, large, frees, freed;
    ip->get_stats(&count, &bytes, &small, &large, &frees, &freed);
    return count;
}

/* Returns 1 and fills *ip when the interposer is loaded and sees this process's mallocs. */
static int bench_interposer_open(bench_interposer *ip)
{
    ip->reset = (void (*)(void))dlsym(RTLD_DEFAULT, "malloc_interposer_reset");
    ip->enable = (void (*)(void))dlsym(RTLD_DEFAULT, "malloc_interposer_enable");
    ip->disable = (void (*)(void))dlsym(RTLD_DEFAULT, "malloc_interposer_disable");
    ip->get_stats = (void (*)(int64_t *, int64_t *, int64_t *, int64_t *, int64_t *, int64_t *))
        dlsym(RTLD_DEFAULT, "malloc_interposer_get_stats");
    if (!ip->reset || !ip->enable || !ip->disable || !ip->get_stats) {
        fprintf(stderr, "warning: libMallocInterposerSwift.so is not preloaded "
                        "(LD_PRELOAD); allocations not counted\n");
        return 0;
    }
    ip->reset();
    ip->enable();
    void *probe = bench_malloc_fn(64);
    bench_free_fn(probe);
    ip->disable();
    if (bench_interposer_mallocs(ip) <= 0) {
        fprintf(stderr, "warning: the malloc interposer counts nothing; allocations not counted\n");
        return 0;
    }
    return 1;
}

/* ---- corpus ---- */

static int bench_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every regular file of dir except README.md and dotfiles, sorted by name (bytewise). */
static bench_msg *bench_load_corpus(const char *dir, size_t *count, char **resolved_dir)
{
    char *resolved = realpath(dir, NULL);
    if (!resolved) {
        fprintf(stderr, "cannot open corpus directory %s: %s\n", dir, strerror(errno));
        return NULL;
    }
    DIR *d = opendir(resolved);
    if (!d) {
        fprintf(stderr, "cannot open corpus directory %s: %s\n", resolved, strerror(errno));
        free(resolved);
        return NULL;
    }
    size_t n = 0, cap = 0;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
            continue;
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", resolved, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof *names);
            if (!names) { perror("realloc"); exit(1); }
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "corpus directory %s holds no message file\n", resolved);
        free(resolved);
        free(names);
        return NULL;
    }
    qsort(names, n, sizeof *names, bench_name_cmp);
    bench_msg *msgs = calloc(n, sizeof *msgs);
    if (!msgs) { perror("calloc"); exit(1); }
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", resolved, names[i]);
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
            exit(1);
        }
        size_t size = 0, capacity = 4096;
        char *buf = malloc(capacity + 1);
        size_t got;
        while (buf && (got = fread(buf + size, 1, capacity - size, f)) > 0) {
            size += got;
            if (size == capacity) {
                capacity *= 2;
                buf = realloc(buf, capacity + 1);
            }
        }
        if (!buf || ferror(f)) {
            fprintf(stderr, "cannot read %s\n", path);
            exit(1);
        }
        fclose(f);
        buf[size] = '\0';
        msgs[i].name = names[i];
        msgs[i].data = buf;
        msgs[i].len = size;
    }
    free(names);
    *count = n;
    *resolved_dir = resolved;
    return msgs;
}

/* ---- timing ---- */

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs `passes` passes over every message. Returns the index of the first message that does
 * not parse, or -1 (and the wrapping sum of the digests in *checksum). */
__attribute__((noinline)) static long bench_run_passes(long passes, const bench_msg *msgs,
                                                       size_t count, uint64_t *checksum)
{
    uint64_t sum = 0;
    for (long p = 0; p < passes; p++) {
        for (size_t i = 0; i < count; i++) {
            uint64_t digest = 0;
            if (parse_and_extract(&msgs[i], &digest) != 0)
                return (long)i;
            sum += digest;
        }
    }
    *checksum = sum;
    return -1;
}

static void bench_run_checked(long passes, const bench_msg *msgs, size_t count,
                              uint64_t pass_checksum)
{
    uint64_t checksum = 0;
    long bad = bench_run_passes(passes, msgs, count, &checksum);
    if (bad >= 0) {
        fprintf(stderr, "%s: %s does not parse\n", BENCH_IMPL, msgs[bad].name);
        exit(1);
    }
    if (checksum != pass_checksum * (uint64_t)passes) {
        fprintf(stderr, "%s: checksum mismatch: expected %llu, got %llu\n", BENCH_IMPL,
                (unsigned long long)(pass_checksum * (uint64_t)passes),
                (unsigned long long)checksum);
        exit(1);
    }
}

static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- checked pass: every message must parse and yield every field ---- */

static void bench_print_fields(const char *name, const bench_fields *f)
{
    printf("%s: call-id=%s cseq=%lu %s branch=%s sent-by=%s", name, f->call_id,
           f->cseq_number, f->cseq_method, f->via_branch, f->via_host);
    if (f->via_port >= 0)
        printf(":%ld", f->via_port);
    printf(" from-tag=%s to-tag=%s content-length=%ld body=%zu/%08x\n",
           f->from_tag, f->to_tag[0] ? f->to_tag : "-", f->content_length,
           f->body_len, f->body_fnv);
}

/* Parses every message once, untimed, and checks the fields. Returns the number of failures
 * (each reported on stderr with the message's name and the reason). */
static int bench_check_corpus(const bench_msg *msgs, size_t count, int dump)
{
    int failures = 0;
    for (size_t i = 0; i < count; i++) {
        bench_fields f;
        char why[512] = "";
        memset(&f, 0, sizeof f);
        f.via_port = -1;
        f.content_length = -1;
        if (bench_inspect(&msgs[i], &f, why, sizeof why) != 0) {
            fprintf(stderr, "%s: %s is rejected: %s\n", BENCH_IMPL, msgs[i].name, why);
            failures++;
            continue;
        }
        const char *missing = NULL;
        if (!f.call_id[0]) missing = "Call-ID";
        else if (!f.cseq_method[0]) missing = "CSeq method";
        else if (!f.via_branch[0]) missing = "top Via branch";
        else if (!f.via_host[0]) missing = "top Via sent-by";
        else if (!f.from_tag[0]) missing = "From tag";
        else if (f.content_length < 0) missing = "Content-Length";
        if (missing) {
            fprintf(stderr, "%s: %s parses but has no %s\n", BENCH_IMPL, msgs[i].name, missing);
            failures++;
        } else if ((size_t)f.content_length != f.body_len) {
            fprintf(stderr, "%s: %s: body is %zu bytes but Content-Length is %ld\n",
                    BENCH_IMPL, msgs[i].name, f.body_len, f.content_length);
            failures++;
        }
        if (dump)
            bench_print_fields(msgs[i].name, &f);
    }
    return failures;
}

/* Prints s as a JSON string literal. */
static void bench_print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* ---- main ---- */

static void bench_usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s --corpus DIR [--seconds S] [--repetitions R] [--iterations N] [--json]\n"
            "       %s --corpus DIR --callgrind-iterations N\n"
            "       %s --corpus DIR --dump\n"
            "  --seconds S               total time of the timed repetitions [2]\n"
            "  --repetitions R           timed repetitions, median reported [7]\n"
            "  --iterations N            corpus passes in the allocation-counting run [100]\n"
            "  --json                    one JSON line instead of the text report\n"
            "  --callgrind-iterations N  exactly N passes, untimed, then print the messages parsed\n"
            "                            (for valgrind --toggle-collect='*parse_and_extract*')\n"
            "  --dump                    print the fields extracted from each message and exit\n",
            argv0, argv0, argv0);
}

static int bench_main(int argc, char **argv)
{
    const char *corpus_dir = NULL;
    double seconds = 2;
    long repetitions = 7, iterations = 100, callgrind_iterations = 0;
    int json = 0, dump = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--dump") == 0) {
            dump = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            bench_usage(argv[0]);
            return 0;
        } else if (!v) {
            fprintf(stderr, "%s: unknown option or missing value: %s\n", argv[0], a);
            bench_usage(argv[0]);
            return 2;
        } else if (strcmp(a, "--corpus") == 0) {
            corpus_dir = v, i++;
        } else if (strcmp(a, "--seconds") == 0) {
            seconds = strtod(v, &end), i++;
            if (*end || !(seconds > 0) || seconds > 86400) goto bad_value;
        } else if (strcmp(a, "--repetitions") == 0) {
            repetitions = strtol(v, &end, 10), i++;
            if (*end || repetitions < 5 || repetitions > 1000) goto bad_value;
        } else if (strcmp(a, "--iterations") == 0) {
            iterations = strtol(v, &end, 10), i++;
            if (*end || iterations < 1 || iterations > 1000000000L) goto bad_value;
        } else if (strcmp(a, "--callgrind-iterations") == 0) {
            callgrind_iterations = strtol(v, &end, 10), i++;
            if (*end || callgrind_iterations < 1 || callgrind_iterations > 1000000000L)
                goto bad_value;
        } else {
            fprintf(stderr, "%s: unknown option %s\n", argv[0], a);
            bench_usage(argv[0]);
            return 2;
        }
        continue;
    bad_value:
        fprintf(stderr, "%s: bad value for %s: %s\n", argv[0], a, v);
        return 2;
    }
    if (!corpus_dir) {
        struct stat st;
        if (stat("Benchmarks/corpus", &st) == 0 && S_ISDIR(st.st_mode)) {
            corpus_dir = "Benchmarks/corpus";
        } else {
            fprintf(stderr, "%s: --corpus DIR is required\n", argv[0]);
            return 2;
        }
    }

    size_t count = 0;
    char *directory = NULL;
    bench_msg *msgs = bench_load_corpus(corpus_dir, &count, &directory);
    if (!msgs)
        return 1;
    size_t corpus_bytes = 0;
    for (size_t i = 0; i < count; i++)
        corpus_bytes += msgs[i].len;
    if (bench_setup(msgs, count) != 0) {
        fprintf(stderr, "%s: library setup failed\n", BENCH_IMPL);
        return 1;
    }

    if (dump) {
        int failures = bench_check_corpus(msgs, count, 1);
        bench_teardown(msgs, count);
        return failures ? 1 : 0;
    }

    uint64_t pass_checksum = 0;
    if (callgrind_iterations > 0) {
        /* Untimed, no warm-up, no checked pass, no interposer: only parse_and_extract. */
        long bad = bench_run_passes(callgrind_iterations, msgs, count, &pass_checksum);
        if (bad >= 0) {
            fprintf(stderr, "%s: %s does not parse\n", BENCH_IMPL, msgs[bad].name);
            return 1;
        }
        printf("messages: %ld\n", callgrind_iterations * (long)count);
        printf("checksum: %llu\n", (unsigned long long)pass_checksum);
        bench_teardown(msgs, count);
        return 0;
    }

    /* Checked pass: every message must parse and give every field. */
    if (bench_check_corpus(msgs, count, 0) != 0) {
        fprintf(stderr, "%s: the corpus does not fully parse (see above)\n", BENCH_IMPL);
        return 1;
    }
    long bad = bench_run_passes(1, msgs, count, &pass_checksum);
    if (bad >= 0) {
        fprintf(stderr, "%s: %s does not parse\n", BENCH_IMPL, msgs[bad].name);
        return 1;
    }

    /* Warm-up for a tenth of the time (within 20-500 ms), then a calibration run of half
     * as many passes to size the repetitions. */
    double warm_up = seconds / 10;
    if (warm_up < 0.02) warm_up = 0.02;
    if (warm_up > 0.5) warm_up = 0.5;
    long warm_up_passes = 0;
    double start = bench_now();
    do {
        bench_run_checked(1, msgs, count, pass_checksum);
        warm_up_passes++;
    } while (bench_now() - start < warm_up);
    long calibration_passes = warm_up_passes / 2 > 0 ? warm_up_passes / 2 : 1;
    start = bench_now();
    bench_run_checked(calibration_passes, msgs, count, pass_checksum);
    double seconds_per_pass = (bench_now() - start) / (double)calibration_passes;

    /* Allocation counting, in its own run so that the timed repetitions are not counted. */
    double allocs_per_msg = -1;
    bench_interposer ip;
    if (bench_interposer_open(&ip)) {
        uint64_t checksum = 0;
        ip.reset();
        ip.enable();
        long failed = bench_run_passes(iterations, msgs, count, &checksum);
        ip.disable();
        if (failed >= 0 || checksum != pass_checksum * (uint64_t)iterations) {
            fprintf(stderr, "%s: the allocation-counting run failed\n", BENCH_IMPL);
            return 1;
        }
        allocs_per_msg = (double)bench_interposer_mallocs(&ip) / (double)(iterations * (long)count);
    }

    /* Timed repetitions of equal pass counts. */
    double budget = seconds / (double)repetitions;
    long passes = 1;
    if (seconds_per_pass > 0) {
        double p = round(budget / seconds_per_pass);
        passes = p < 1 ? 1 : (p > 1e9 ? 1000000000L : (long)p);
    }
    double *ns = calloc((size_t)repetitions, sizeof *ns);
    for (long r = 0; r < repetitions; r++) {
        uint64_t checksum = 0;
        double t0 = bench_now();
        long failed = bench_run_passes(passes, msgs, count, &checksum);
        double elapsed = bench_now() - t0;
        if (failed >= 0 || checksum != pass_checksum * (uint64_t)passes) {
            fprintf(stderr, "%s: a timed repetition failed\n", BENCH_IMPL);
            return 1;
        }
        ns[r] = elapsed * 1e9 / (double)(passes * (long)count);
    }
    qsort(ns, (size_t)repetitions, sizeof *ns, bench_cmp_double);
    double median = repetitions % 2 ? ns[repetitions / 2]
                                    : (ns[repetitions / 2 - 1] + ns[repetitions / 2]) / 2;
    double minimum = ns[0], maximum = ns[repetitions - 1];
    free(ns);

    if (json) {
        printf("{\"bench\":\"parser\",\"impl\":\"%s\",\"msgs_per_s\":%.0f,\"ns_per_msg\":%.1f,",
               BENCH_IMPL, 1e9 / median, median);
        if (allocs_per_msg >= 0)
            printf("\"allocs_per_msg\":%.3f,", allocs_per_msg);
        else
            printf("\"allocs_per_msg\":null,");
        printf("\"ns_min\":%.1f,\"ns_max\":%.1f,\"messages\":%zu,\"corpus\":", minimum,
               maximum, count);
        bench_print_json_string(directory);
        printf("}\n");
    } else {
        printf("parser benchmark: %s\n", BENCH_IMPL);
        printf("  corpus:       %s (%zu messages, %zu bytes)\n", directory, count, corpus_bytes);
        printf("  repetitions:  %ld x %ld passes\n", repetitions, passes);
        printf("  msgs/s:       %.0f\n", 1e9 / median);
        printf("  ns/msg:       %.1f median (min %.1f, max %.1f)\n", median, minimum, maximum);
        if (allocs_per_msg >= 0)
            printf("  allocs/msg:   %.2f (malloc calls over %ld passes)\n", allocs_per_msg,
                   iterations);
        else
            printf("  allocs/msg:   n/a\n");
        printf("  checksum:     %llu\n", (unsigned long long)pass_checksum);
    }
    bench_teardown(msgs, count);
    return 0;
}

#endif /* BENCH_COMMON_H */
