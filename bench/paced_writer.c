// The sending side of the read-path baseline (bench/nio-baseline's nio-read-baseline): server WebSocket text
// frames (2-byte header, 64-byte payload, unmasked) written one per write(), round-robin over N accepted
// loopback connections at a steady total rate, as chatserver writes copies at light load. A reader measured
// against it sees the same frames per read() as chatctl does in the benchmark's fan-out cases.
//
// Usage: paced_writer PORT-FILE CONNECTIONS FRAMES-PER-SECOND SECONDS
// Listens on 127.0.0.1 at a free port and writes the port number to PORT-FILE; once CONNECTIONS readers have
// connected it writes for SECONDS, closes every connection, and prints {"frames":F,"writeMicrosPerFrame":W}.
#define _GNU_SOURCE
#include "floor_common.h"
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: paced_writer PORT-FILE CONNECTIONS FRAMES-PER-SECOND SECONDS\n"); return 2; }
    int connections = atoi(argv[2]);
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    if (connections < 1 || rate <= 0 || seconds <= 0) { fprintf(stderr, "bad arguments\n"); return 2; }
    struct sockaddr_in address;
    int listener = loopback_listener(0, &address);
    if (listener < 0) return 1;
    FILE *portFile = fopen(argv[1], "w");
    if (!portFile) { perror("port file"); return 1; }
    fprintf(portFile, "%d\n", ntohs(address.sin_port));
    fclose(portFile);
    int *fds = calloc(connections, sizeof(int));
    for (int i = 0; i < connections; i++) {
        fds[i] = accept(listener, NULL, NULL);
        if (fds[i] < 0) { perror("accept"); return 1; }
        int one = 1;
        setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    pin(0);
    enum { payload = 64, frame = payload + 2 };
    char buffer[frame];
    buffer[0] = (char)0x81;
    buffer[1] = (char)payload;
    memset(buffer + 2, 'x', payload);
    long frames = 0;
    double start = now(), cpuStart = process_cpu();
    // Frame n is due at start + n / rate; sleep whenever ahead of that plan.
    while (now() - start < seconds) {
        for (int i = 0; i < connections; i++) {
            double due = start + frames / rate, lead = due - now();
            if (lead > 0.0002) {
                struct timespec pause = {0, (long)(lead * 1e9)};
                nanosleep(&pause, NULL);
            }
            if (write(fds[i], buffer, frame) == frame) frames++;
        }
    }
    double cpu = process_cpu() - cpuStart;
    for (int i = 0; i < connections; i++) close(fds[i]);
    printf("{\"frames\":%ld,\"writeMicrosPerFrame\":%.3f}\n", frames, cpu / (frames ? frames : 1) * 1e6);
    return 0;
}
