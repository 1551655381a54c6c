// The Linux headers the toolchain's Glibc module leaves out: epoll and eventfd. System headers only.
#ifndef CEPOLL_H
#define CEPOLL_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
