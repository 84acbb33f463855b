// DepthService: the depth-estimation service behind `depthd serve`, and the pipeline `depthd
// predict` shares with it. The folders are its architecture; each holds one concern:
//
//   DepthApplication.swift  The composition root: builds every part below and wires them together
//                           (model, workers, readiness, metrics, routes, server); start, warm up, drain.
//   HTTP/                   The API over HTTPServer: routes and their server hooks, POST /v1/depth,
//                           uploads, which error becomes which problem and how a problem becomes a
//                           response, Accept negotiation, X-Depth-* headers and media types, request
//                           ids, Server-Timing, GET /v1/model, the OpenAPI document, the demo page.
//   Problems/               RFC 9457 problem details: the type, and the catalogue of every problem.
//   Operations/             Running in production: readiness, metrics (Metrics/: the Prometheus
//                           registry and the service's families), JSON logs, signals, the bounded
//                           drain, malloc tuning.
//   Configuration/          The settings table (Setting, one row per setting: variable, flag, help,
//                           parsing, range, text form), the configuration it resolves, its report.
//   Workers/                Threads that do the work: the model pool (batches, queue, deadlines,
//                           cancellation), the image threads, BLAS core sharing, cancellation stages.
//   Pipeline/               Photo bytes -> prepared input -> depth map -> encoded answer, and the
//                           request options. Shared with the CLI, so it names nothing of HTTP: no
//                           header names, no media types, no statuses; it throws InvalidParameter,
//                           which HTTP/ answers as a problem and the CLI as a flag error.
//   Basics/                 Small values every folder uses: JSONValue, Duration in seconds.
//
// Dependencies point down this list only: a folder may use the folders listed below it, never
// one above (Pipeline and Workers do not use each other). Outside the module, HTTP/ alone builds
// on HTTPServer (and Problems/ on nothing of it); Pipeline/ and Workers/ use ImageIO and DepthNet.
