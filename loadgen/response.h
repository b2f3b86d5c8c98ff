/* An HTTP/1.1 response read as it arrives, in any pieces: the status line
 * and headers (Content-Length, Transfer-Encoding: chunked, Connection),
 * then the body by its length, its chunks, or until the server closes;
 * 1xx answers skipped. Bounded: the headers must fit the caller's buffer,
 * a chunk-size line 4 KiB. Never more than what it was given is read. */
#ifndef PODPILOT_LOADGEN_RESPONSE_H
#define PODPILOT_LOADGEN_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lg_response {
    int status; /* -1 until the headers are in */
    bool head;  /* the request was a HEAD: no body */
    bool headers_done, chunked, until_close, close_after;
    int64_t body_left; /* Content-Length's rest, or the current chunk's */
    int chunk_state;   /* 0 size line, 1 data, 2 CRLF after data, 3 trailers */
    int64_t size;      /* Content-Length, as hey counts a response's size; 0 */
};

void lg_response_start(struct lg_response *r, bool head);

/* Reads buf[*pos..len), moving *pos past what it took: 1 the response is
 * whole, 0 it needs more, -1 malformed (why, in Go's net/http words).
 * full: buf can take no more bytes, so headers still incomplete are too
 * large. Body bytes are counted, not kept: the caller may drop them. */
int lg_response_feed(struct lg_response *r, const char *buf, size_t len, size_t *pos, bool full,
                     const char **why);

#endif
