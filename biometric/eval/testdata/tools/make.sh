#!/bin/sh
# Makes the TIFF and BMP test files of biometric/eval/testdata from src8.png and src16.png with
# ImageMagick 6 and libtiff-tools (Debian 12: imagemagick-6.q16 8:6.9.11.60+dfsg-1.6+deb12u16,
# libtiff-tools 4.5.0-6+deb12u5). CONVERT may name ImageMagick's convert (default: convert).
set -eu
C=${CONVERT:-convert}
$C src8.png -depth 8 -compress none -units PixelsPerInch -density 500 im-gray8-500ppi.tif
$C src16.png -depth 16 -compress none -define tiff:endian=msb -units PixelsPerCentimeter -density 197 im-gray16-be-197ppcm.tif
tiffcp -B -c lzw im-gray8-500ppi.tif tiffcp-lzw-be-1000ppi.tif
tiffset -s 282 1000 tiffcp-lzw-be-1000ppi.tif
tiffset -s 283 1000 tiffcp-lzw-be-1000ppi.tif
tiffcp -L -c zip im-gray8-500ppi.tif tiffcp-zip-unitless.tif
tiffset -s 296 1 tiffcp-zip-unitless.tif
$C src8.png -type Grayscale -compress none -units PixelsPerInch -density 569 BMP3:im-pal8-569ppi.bmp
$C src8.png -type TrueColor -compress none -units PixelsPerInch -density 96 BMP3:im-rgb24-96dpi.bmp
