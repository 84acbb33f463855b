"""The reference server scripts/bench-server.sh compares depthd with: the PyTorch reference model
behind a standard Python web stack (FastAPI on uvicorn), doing what depthd does for
`POST /v1/depth` with a raw JPEG/PNG body and the default answer (png16 at the photo's size):

decode (Pillow, EXIF orientation applied) -> resize to 320x240 (antialiased) -> centre crop 304x228
-> normalise -> model (eval, no_grad) -> exp -> bilinear resample over the photo -> millimetres ->
16-bit grayscale PNG (Pillow). Plus `GET /healthz`.

    python training/scripts/reference_server.py MODEL.safetensors --port 8090 [--threads T]

One uvicorn worker process; the endpoint is a plain `def`, so FastAPI runs each request on its
thread pool and torch (which releases the GIL inside operators) uses T intra-op threads.
"""
from __future__ import annotations

import argparse
import io

import numpy as np
import torch
import torch.nn.functional as F
import uvicorn
from fastapi import FastAPI, Request, Response
from PIL import Image, ImageOps

from depth_training.export import load_model


def build_app(model_path: str) -> FastAPI:
    model, normalization, _ = load_model(model_path)
    arch = model.arch
    input_w, input_h = arch.input_width, arch.input_height
    # The paper's frame: 320x240 around a 304x228 crop, the same ratio for other input sizes.
    frame_w, frame_h = round(input_w * 320 / 304), round(input_h * 240 / 228)
    mean = torch.tensor(normalization.mean).view(3, 1, 1)
    std = torch.tensor(normalization.std).view(3, 1, 1)
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.post("/v1/depth")
    async def depth(request: Request) -> Response:
        body = await request.body()
        return await _run_in_threadpool(predict, body)

    def predict(body: bytes) -> Response:
        try:
            photo = ImageOps.exif_transpose(Image.open(io.BytesIO(body))).convert("RGB")
        except Exception as error:  # noqa: BLE001 - any decode failure is the client's 400
            return Response(status_code=400, content=str(error))
        width, height = photo.size
        frame = photo.resize((frame_w, frame_h), Image.Resampling.BILINEAR, reducing_gap=None)
        left, top = (frame_w - input_w) // 2, (frame_h - input_h) // 2
        crop = frame.crop((left, top, left + input_w, top + input_h))
        x = torch.from_numpy(np.asarray(crop, dtype=np.float32)).permute(2, 0, 1)   # (3, H, W) 0..255
        x = ((x / 255.0 - mean) / std).unsqueeze(0)                                 # (1, 3, H, W)
        with torch.no_grad():
            log_depth = model(x)                                                    # (1, 1, oh, ow)
        depth = torch.exp(log_depth)
        # The crop covers the middle of the frame; extend the grid over the whole frame, then resample.
        oh, ow = depth.shape[-2:]
        pad_x, pad_y = left * ow / input_w, top * oh / input_h
        region_w, region_h = ow + 2 * pad_x, oh + 2 * pad_y
        ys = (torch.arange(height, dtype=torch.float32) + 0.5) * region_h / height - pad_y - 0.5
        xs = (torch.arange(width, dtype=torch.float32) + 0.5) * region_w / width - pad_x - 0.5
        grid = torch.stack(torch.meshgrid(xs / (ow - 1) * 2 - 1, ys / (oh - 1) * 2 - 1, indexing="xy"), dim=-1)
        full = F.grid_sample(depth, grid.unsqueeze(0), mode="bilinear", padding_mode="border", align_corners=True)
        millimetres = np.clip(np.rint(full[0, 0].numpy() * 1000), 1, 65535).astype(np.uint16)  # (H, W)
        out = io.BytesIO()
        Image.fromarray(millimetres).save(out, format="PNG")
        return Response(content=out.getvalue(), media_type="image/png",
                        headers={"X-Depth-Unit": "mm", "X-Depth-Scale": "0.001"})

    return app


async def _run_in_threadpool(function, *args):
    from starlette.concurrency import run_in_threadpool
    return await run_in_threadpool(function, *args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    uvicorn.run(build_app(args.model), host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
