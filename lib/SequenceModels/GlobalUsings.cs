// Generic math (IFloatingPointIeee754<T>) lets every layer run in float for speed and in double for gradient checks.
global using System.Numerics;
