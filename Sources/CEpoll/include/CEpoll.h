// The Linux headers the toolchain's Glibc module leaves out: epoll and eventfd. System headers only.
#ifndef CEPOLL_H
#define CEPOLL_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // for epoll_pwait2, whose timeout is in nanoseconds (Linux 5.11, glibc 2.35)
#endif
#include <signal.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
