"""Shared by the tests that compare a page's download with its API's."""


def body(response) -> bytes:
    if response.streaming:
        return b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode()
            for chunk in response.streaming_content
        )
    return response.content
