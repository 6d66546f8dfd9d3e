// glibc's interface to the dynamic linker for Swift: link.h (dl_iterate_phdr and the program
// headers of every loaded object) and elf.h (segment types and flags), which the Glibc module
// does not include. Part of libc: nothing to link, nothing to install.
#ifndef CDYNAMICLINKER_SHIM_H
#define CDYNAMICLINKER_SHIM_H

// dl_iterate_phdr and struct dl_phdr_info are GNU extensions.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <elf.h>
#include <link.h>

#endif
