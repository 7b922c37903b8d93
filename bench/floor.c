// The physical floor of delivering small WebSocket frames over loopback TCP: CPU per frame spent in
// write() and read() alone, with 1, 2, 4 or 16 frames per system call, over N connections.
//
// Usage: floor [connections] [seconds-per-case] [payload-bytes]
// Prints one JSON object per case: {"framesPerWrite":K,"frames":F,"writeMicrosPerFrame":W,"readMicrosPerFrame":R,
//                                   "readsPerCall":…}
// The writer thread is pinned to CPU 0 and the reader to CPU 1 (as the benchmark pins chatserver and chatctl).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int connections = 100;
static double seconds = 2.0;
static int payload = 64;
static atomic_int running;
static atomic_long bytes_read;
static atomic_long reads;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu(void) {
    struct rusage usage;
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

struct reader_args { int *fds; double cpu; };

static void *reader(void *arg) {
    struct reader_args *args = arg;
    pin(1);
    int epoll = epoll_create1(0);
    for (int i = 0; i < connections; i++) {
        struct epoll_event event = {.events = EPOLLIN, .data.fd = args->fds[i]};
        epoll_ctl(epoll, EPOLL_CTL_ADD, args->fds[i], &event);
    }
    char buffer[65536];
    struct epoll_event events[256];
    double start = thread_cpu();
    while (atomic_load(&running)) {
        int ready = epoll_wait(epoll, events, 256, 50);
        for (int i = 0; i < ready; i++) {
            ssize_t n = read(events[i].data.fd, buffer, sizeof(buffer));
            if (n > 0) { atomic_fetch_add(&bytes_read, n); atomic_fetch_add(&reads, 1); }
        }
    }
    args->cpu = thread_cpu() - start;
    close(epoll);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1) connections = atoi(argv[1]);
    if (argc > 2) seconds = atof(argv[2]);
    if (argc > 3) payload = atoi(argv[3]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
    socklen_t length = sizeof(address);
    if (bind(listener, (struct sockaddr *)&address, sizeof(address)) || listen(listener, 4096) ||
        getsockname(listener, (struct sockaddr *)&address, &length)) { perror("listen"); return 1; }
    int *writers = calloc(connections, sizeof(int)), *readers = calloc(connections, sizeof(int));
    for (int i = 0; i < connections; i++) {
        readers[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(readers[i], (struct sockaddr *)&address, sizeof(address))) { perror("connect"); return 1; }
        writers[i] = accept(listener, NULL, NULL);
        int one = 1;
        setsockopt(writers[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    int frame = payload + 2;  // a server frame: 2 header bytes, unmasked payload (< 126 bytes)
    int cases[] = {1, 2, 4, 16};
    char *buffer = malloc(16 * frame);
    for (int i = 0; i < 16; i++) { buffer[i * frame] = (char)0x81; buffer[i * frame + 1] = (char)payload; memset(buffer + i * frame + 2, 'x', payload); }
    pin(0);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        int k = cases[c];
        atomic_store(&running, 1);
        atomic_store(&bytes_read, 0);
        atomic_store(&reads, 0);
        struct reader_args args = {.fds = readers};
        pthread_t thread;
        pthread_create(&thread, NULL, reader, &args);
        long written = 0, calls = 0;
        double cpu_start = thread_cpu(), deadline = now() + seconds;
        while (now() < deadline) {
            for (int i = 0; i < connections; i++) {
                ssize_t n = write(writers[i], buffer, (size_t)k * frame);
                if (n > 0) { written += n; calls++; }
            }
            // Let the reader keep up: never run more than ~1 MB ahead.
            while (written - atomic_load(&bytes_read) > (1 << 20)) sched_yield();
        }
        double write_cpu = thread_cpu() - cpu_start;
        while (atomic_load(&bytes_read) < written && now() < deadline + 2) usleep(1000);
        atomic_store(&running, 0);
        pthread_join(thread, NULL);
        double frames = (double)written / frame;
        printf("{\"connections\":%d,\"payloadBytes\":%d,\"framesPerWrite\":%d,\"frames\":%.0f,"
               "\"writeMicrosPerFrame\":%.3f,\"readMicrosPerFrame\":%.3f,\"framesPerRead\":%.2f}\n",
               connections, payload, k, frames, write_cpu / frames * 1e6, args.cpu / frames * 1e6,
               frames / (double)(atomic_load(&reads) ? atomic_load(&reads) : 1));
        fflush(stdout);
    }
    return 0;
}
