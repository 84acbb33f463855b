#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H
// Placeholder header; the codec entry points come with the ImageIO work.
int cic_version(void);
#endif
