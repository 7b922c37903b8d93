// The floor of the read-path baseline: CONNECTIONS connections to bench/paced_writer, read with epoll_wait() and
// read() alone (as bench/floor.c's reader, but at the writer's steady rate, so a read() gets about one frame and
// an epoll_wait() about one ready socket, as in chatctl at light load). Pinned to CPU 1.
//
// Usage: paced_reader PORT CONNECTIONS
// When the writer has closed every connection it prints {"mode":"c","frames":F,"reads":R,"cpuSeconds":S,
// "microsPerFrame":…,"framesPerRead":…} (CPU from the first byte to the last close; frames are 66 bytes).
#define _GNU_SOURCE
#include "floor_common.h"
#include <stdlib.h>
#include <sys/epoll.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: paced_reader PORT CONNECTIONS\n"); return 2; }
    int port = atoi(argv[1]), connections = atoi(argv[2]);
    if (port < 1 || connections < 1) { fprintf(stderr, "bad arguments\n"); return 2; }
    pin(1);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port)};
    int epoll = epoll_create1(0);
    for (int i = 0; i < connections; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof(address))) { perror("connect"); return 1; }
        struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    }
    static char buffer[65536];
    struct epoll_event events[256];
    long bytes = 0, reads = 0;
    int open = connections;
    double cpuStart = -1;
    while (open > 0) {
        int ready = epoll_wait(epoll, events, 256, 1000);
        for (int i = 0; i < ready; i++) {
            ssize_t n = read(events[i].data.fd, buffer, sizeof(buffer));
            if (n > 0) {
                if (cpuStart < 0) cpuStart = process_cpu();
                bytes += n;
                reads++;
            } else {
                close(events[i].data.fd);  // closing removes it from the epoll set
                open--;
            }
        }
    }
    double cpu = process_cpu() - (cpuStart < 0 ? process_cpu() : cpuStart);
    long frames = bytes / 66;
    printf("{\"mode\":\"c\",\"frames\":%ld,\"reads\":%ld,\"cpuSeconds\":%.6f,\"microsPerFrame\":%.3f,"
           "\"framesPerRead\":%.3f}\n", frames, reads, cpu, cpu / (frames ? frames : 1) * 1e6,
           (double)frames / (reads ? reads : 1));
    return 0;
}
