// Placeholder so the client project compiles; replaced by the VS Code client.
export {};
