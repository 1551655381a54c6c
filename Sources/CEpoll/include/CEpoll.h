// The Linux headers the toolchain's Glibc module leaves out: epoll and eventfd. System headers only.
// (No _GNU_SOURCE here: it changes fd_set's definition and clashes with Dispatch's view of it.)
#ifndef CEPOLL_H
#define CEPOLL_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
