#define _GNU_SOURCE 1
#include <link.h>

#include "cdynamiclinker.h"

struct cdynamiclinker_forward {
    cdynamiclinker_visitor visitor;
    void *context;
};

static int cdynamiclinker_each(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    const struct cdynamiclinker_forward *forward = data;
    const cdynamiclinker_object object = {info->dlpi_addr, info->dlpi_name, info->dlpi_phdr, info->dlpi_phnum};
    return forward->visitor(&object, forward->context);
}

int cdynamiclinker_iterate(cdynamiclinker_visitor visitor, void *context) {
    struct cdynamiclinker_forward forward = {visitor, context};
    return dl_iterate_phdr(cdynamiclinker_each, &forward);
}
