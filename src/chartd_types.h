/* Userdata type names, in one place so luaL_checkudata names the type in every error message. */
#ifndef CHARTD_TYPES_H
#define CHARTD_TYPES_H

#define CHARTD_CANVAS_TYPE "chartd.canvas"
#define CHARTD_IMAGE_TYPE "chartd.image"
#define CHARTD_REDIS_CALL_TYPE "chartd.redis.call"
#define CHARTD_POLYLINE_TYPE "chartd.polyline"

#endif
