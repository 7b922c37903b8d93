// The physical floor of delivering small WebSocket frames over loopback TCP: CPU per frame spent in
// write() and read() alone, with 1, 2, 4 or 16 frames per system call, over N connections.
//
// Usage: floor [connections] [seconds-per-case] [payload-bytes]
// Prints one JSON object per case: {"connections":N,"framesPerWrite":K,"frames":F,"writeMicrosPerFrame":W,
//                                   "readMicrosPerFrame":R,"framesPerRead":…}
// The writer is pinned to CPU 0 and the reader to CPU 1 (as the benchmark pins chatserver and chatctl). The
// reader is a process of its own, as chatctl is: 10 000 connections are 20 000 descriptors, the open-files
// limit of one process here.
#define _GNU_SOURCE
#include "floor_common.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int connections = 100;
static double seconds = 2.0;
static int payload = 64;

/// What the writer and the reader process share (an anonymous shared mapping).
struct shared {
    atomic_int phase;      // 0 idle, 1 reading a case, 2 quit
    atomic_int caseIndex;  // bumped by the writer for each case; the reader acknowledges it
    atomic_int readerAck;  // the case the reader has finished (its CPU is in readerCpu)
    atomic_int connected;  // the reader's connections are all made
    atomic_long bytesRead;
    atomic_long reads;
    double readerCpu;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}


/// The reader process: connects, then for each case reads everything that arrives until told to stop.
static void reader(struct shared *shared, struct sockaddr_in address) {
    pin(1);
    int epoll = epoll_create1(0);
    for (int i = 0; i < connections; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof(address))) { perror("connect"); _exit(1); }
        struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    }
    atomic_store(&shared->connected, 1);
    char buffer[65536];
    struct epoll_event events[256];
    int done = 0;
    for (;;) {
        while (atomic_load(&shared->phase) == 0 || atomic_load(&shared->caseIndex) == done) {
            if (atomic_load(&shared->phase) == 2) _exit(0);
            usleep(1000);
        }
        double start = process_cpu();
        while (atomic_load(&shared->phase) == 1) {
            int ready = epoll_wait(epoll, events, 256, 50);
            for (int i = 0; i < ready; i++) {
                ssize_t n = read(events[i].data.fd, buffer, sizeof(buffer));
                if (n > 0) { atomic_fetch_add(&shared->bytesRead, n); atomic_fetch_add(&shared->reads, 1); }
            }
        }
        shared->readerCpu = process_cpu() - start;
        done = atomic_load(&shared->caseIndex);
        atomic_store(&shared->readerAck, done);
    }
}

int main(int argc, char **argv) {
    if (argc > 1) connections = atoi(argv[1]);
    if (argc > 2) seconds = atof(argv[2]);
    if (argc > 3) payload = atoi(argv[3]);
    if (connections < 1 || payload < 1 || payload > 125) { fprintf(stderr, "bad arguments\n"); return 2; }
    struct sockaddr_in address;
    int listener = loopback_listener(0, &address);
    if (listener < 0) return 1;
    struct shared *shared = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) { perror("mmap"); return 1; }
    memset(shared, 0, sizeof(*shared));
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) { close(listener); reader(shared, address); }
    int *writers = calloc(connections, sizeof(int));
    for (int i = 0; i < connections; i++) {
        writers[i] = accept(listener, NULL, NULL);
        if (writers[i] < 0) { perror("accept"); kill(child, SIGKILL); return 1; }
        int one = 1;
        setsockopt(writers[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    while (!atomic_load(&shared->connected)) usleep(1000);
    int frame = payload + 2;  // a server frame: 2 header bytes, unmasked payload (< 126 bytes)
    int cases[] = {1, 2, 4, 16};
    char *buffer = malloc(16 * frame);
    for (int i = 0; i < 16; i++) { buffer[i * frame] = (char)0x81; buffer[i * frame + 1] = (char)payload; memset(buffer + i * frame + 2, 'x', payload); }
    pin(0);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        int k = cases[c];
        atomic_store(&shared->bytesRead, 0);
        atomic_store(&shared->reads, 0);
        atomic_store(&shared->phase, 1);
        atomic_store(&shared->caseIndex, (int)c + 1);
        long written = 0;
        double cpu_start = process_cpu(), deadline = now() + seconds;
        while (now() < deadline) {
            for (int i = 0; i < connections; i++) {
                ssize_t n = write(writers[i], buffer, (size_t)k * frame);
                if (n > 0) written += n;
            }
            // Let the reader keep up: never run more than ~1 MB ahead.
            while (written - atomic_load(&shared->bytesRead) > (1 << 20)) sched_yield();
        }
        double write_cpu = process_cpu() - cpu_start;
        while (atomic_load(&shared->bytesRead) < written && now() < deadline + 5) usleep(1000);
        atomic_store(&shared->phase, 0);
        while (atomic_load(&shared->readerAck) != (int)c + 1) usleep(1000);
        double frames = (double)written / frame;
        long reads = atomic_load(&shared->reads);
        printf("{\"connections\":%d,\"payloadBytes\":%d,\"framesPerWrite\":%d,\"frames\":%.0f,"
               "\"writeMicrosPerFrame\":%.3f,\"readMicrosPerFrame\":%.3f,\"framesPerRead\":%.2f}\n",
               connections, payload, k, frames, write_cpu / frames * 1e6, shared->readerCpu / frames * 1e6,
               frames / (double)(reads ? reads : 1));
        fflush(stdout);
    }
    atomic_store(&shared->phase, 2);
    waitpid(child, NULL, 0);
    return 0;
}
