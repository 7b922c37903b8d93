// What both floor programs need: this process's CPU time, pinning it to one CPU, a loopback listener.
#ifndef FLOOR_COMMON_H
#define FLOOR_COMMON_H
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <unistd.h>

/// User and system CPU time of this process so far, in seconds.
static inline double process_cpu(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/// Runs this process on `cpu` only (modulo the number of CPUs).
static inline void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
    sched_setaffinity(0, sizeof(set), &set);
}
/// A socket listening on 127.0.0.1 at a free port (its address in `address`), made with `type_flags` added to
/// SOCK_STREAM; -1 after printing why it failed.
static inline int loopback_listener(int type_flags, struct sockaddr_in *address) {
    int listener = socket(AF_INET, SOCK_STREAM | type_flags, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
    *address = any;
    socklen_t length = sizeof(*address);
    if (listener < 0 || bind(listener, (struct sockaddr *)address, sizeof(*address)) || listen(listener, 4096) ||
        getsockname(listener, (struct sockaddr *)address, &length)) {
        perror("listen");
        return -1;
    }
    return listener;
}
#endif
