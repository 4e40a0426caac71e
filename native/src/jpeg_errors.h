// libjpeg's errors as a longjmp back to the caller's setjmp, with the library's message kept (decoder and encoder).
// Include after <jpeglib.h>.
#pragma once
#include <csetjmp>

struct JpegErrors {
  jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

inline void OnJpegError(j_common_ptr cinfo) {
  JpegErrors* err = reinterpret_cast<JpegErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}
