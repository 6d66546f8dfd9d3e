// glibc's dl_iterate_phdr for Swift. Its struct dl_phdr_info is declared only with _GNU_SOURCE,
// and a Swift-visible header built with _GNU_SOURCE changes glibc's own types (fd_set) against
// every other C module in the build: so the call goes through one plain function, compiled
// alone, that copies the four fields the agent reads. elf.h (segment and dynamic-entry types
// and constants) needs no feature macro.
#ifndef CDYNAMICLINKER_H
#define CDYNAMICLINKER_H

#include <elf.h>
#include <stdint.h>

/// One loaded object (the executable, a shared library) as dl_iterate_phdr reports it.
typedef struct {
    /// dlpi_addr: where the object's virtual address 0 is loaded.
    uintptr_t address;
    /// dlpi_name: the file name ("" for the executable).
    const char *name;
    /// dlpi_phdr: `headerCount` program headers (Elf64_Phdr or Elf32_Phdr, the machine's class).
    const void *headers;
    /// dlpi_phnum.
    uint16_t headerCount;
} cdynamiclinker_object;

/// Called once per loaded object, under the loader's lock; a non-zero result stops the walk.
typedef int (*cdynamiclinker_visitor)(const cdynamiclinker_object *object, void *context);

/// dl_iterate_phdr(visitor-per-object): returns the last visitor result.
int cdynamiclinker_iterate(cdynamiclinker_visitor visitor, void *context);

#endif
