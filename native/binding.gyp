{
  "variables": {
    "have_libjpeg%": "<!(test -f /usr/include/jpeglib.h && echo 1 || echo 0)"
  },
  "targets": [
    {
      "target_name": "postflight_quality",
      "sources": ["src/addon.cc", "src/kernels.cc", "src/jpeg_luma.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions"],
      "conditions": [
        ["have_libjpeg==1", { "defines": ["PF_HAVE_LIBJPEG=1"], "libraries": ["-ljpeg"] }]
      ]
    }
  ]
}
