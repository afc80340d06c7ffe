/**
 * Types that make wrong levels hard to write. When a dataset's schema is built with the
 * builders (logical/schema.ts), its references are typed by level — the collection path from
 * the root — so the compiler sees what the planner would reject:
 *
 *   frames.rgb.add(detections.confidence)     // error: siblings (resample both to one timeline)
 *   clips.duration.mean()                     // Ref<['scenes']>: one level up
 *   clips.where(frames.rgb.isNull())          // error: a filter on clips cannot use frames
 *   detections.confidence.mean({ per: scenes })   // Ref<['scenes']>
 *
 * Type-level only: the runtime objects are the plain fluent references (logical/fluent.ts),
 * which check the same rules again (and catch what types cannot, e.g. two different timeline
 * objects). Untyped schemas (read from storage) fall back to the untyped references.
 */
import type { DataType, List } from 'apache-arrow';

import type { ResampleMethod, WindowAgg } from './expr.js';
import type { CollectionRef, ExprRef, ReduceOptions, TimelineRef } from './fluent.js';
import type { CollectionNode, FieldNodes, RootNodes, ScalarNode, StructNode } from './schema.js';

/** A level: collection names from the root (derived levels end in '#…'). */
export type LevelPath = readonly string[];

type IsTuple<T extends LevelPath> = number extends T['length'] ? false : true;
/** True when A is a prefix of (or equal to) B. */
type PrefixOf<A extends LevelPath, B extends LevelPath> = B extends readonly [...A, ...(readonly string[])] ? true : false;
type Last<L extends LevelPath> = L extends readonly [...(readonly string[]), infer X extends string] ? X : string;
/** The parent level (one level up). */
export type Parent<L extends LevelPath> = IsTuple<L> extends false ? LevelPath : L extends readonly [...infer H extends string[], string] ? readonly [...H] : never;

/** The deeper of two levels on one ancestor path; never for siblings and unrelated branches. */
export type Deeper<A extends LevelPath, B extends LevelPath> =
  IsTuple<A> extends false ? LevelPath
  : IsTuple<B> extends false ? LevelPath
  : PrefixOf<A, B> extends true ? B
  : PrefixOf<B, A> extends true ? A
  : never;

/** What the compiler shows for a level mistake (an impossible property named by the fix). */
export interface LevelMismatch<A extends LevelPath, B extends LevelPath> {
  readonly 'level error': `'${Last<A>}' and '${Last<B>}' are not on one ancestor path: resample both to one timeline, or reduce one to a shared ancestor`;
}

type Literal = string | number | bigint | boolean | null;
type AnyOperand = ExprRef | Literal;

type LevelOfOperand<O> = O extends RefBase<infer M> ? M : O extends ExprRef ? LevelPath : null;
/** The level of `self op other`. */
type After<L extends LevelPath, O> = LevelOfOperand<O> extends infer M extends LevelPath ? Deeper<L, M> : L;
/** `unknown` when the operand fits; else a LevelMismatch the operand cannot satisfy. */
type Fits<L extends LevelPath, O> = LevelOfOperand<O> extends infer M extends LevelPath ? ([Deeper<L, M>] extends [never] ? LevelMismatch<L, M> : unknown) : unknown;

/** A filter on level P may use P and its ancestors only. */
type FilterFits<P extends LevelPath, O> = LevelOfOperand<O> extends infer M extends LevelPath ? (IsTuple<M> extends false ? unknown : PrefixOf<M, P> extends true ? unknown : LevelMismatch<M, P>) : unknown;

type Binary<L extends LevelPath> = <O extends AnyOperand>(other: O & Fits<L, O>) => Ref<After<L, O>>;

/** Per-reduction options: `per` names an ancestor collection to reduce to (skipping levels). */
interface PerOptions<P extends LevelPath> extends ReduceOptions {
  readonly per: CollectionRef & { readonly __path?: P };
}

/** `unknown` when P is a proper ancestor of L. */
type AncestorFits<P extends LevelPath, L extends LevelPath> = IsTuple<P> extends false ? unknown : PrefixOf<P, L> extends true ? (P['length'] extends L['length'] ? LevelMismatch<P, L> : unknown) : LevelMismatch<P, L>;

interface Reduction<L extends LevelPath> {
  (): Ref<Parent<L>>;
  <P extends LevelPath>(opts: PerOptions<P> & AncestorFits<P, L>): Ref<P>;
}

/** One derived level below L (typing stops after one, so types stay finite). */
type Derived<L extends LevelPath, Step extends string> = L extends readonly [...(readonly string[]), `#${string}`] ? LevelPath : readonly [...L, Step];

/** What every typed reference at level L offers (reductions differ: see Ref and ListFieldRef). */
export interface RefBase<L extends LevelPath> extends ExprRef {
  /** Type-level only. */
  readonly __level?: L;
  add: Binary<L>;
  sub: Binary<L>;
  mul: Binary<L>;
  div: Binary<L>;
  mod: Binary<L>;
  eq: Binary<L>;
  ne: Binary<L>;
  lt: Binary<L>;
  le: Binary<L>;
  gt: Binary<L>;
  ge: Binary<L>;
  and: Binary<L>;
  or: Binary<L>;
  not(): Ref<L>;
  isNull(): Ref<L>;
  isNotNull(): Ref<L>;
  len(): Ref<L>;
  rolling(opts: { before?: number; after?: number; agg?: WindowAgg | ((values: readonly unknown[]) => unknown) }): Ref<L>;
  explode(): Ref<Derived<L, '#explode'>>;
  resample<T extends LevelPath>(tl: TypedTimeline<T>, opts: { on: ExprRef; method?: ResampleMethod }): Ref<Derived<T, '#timeline'>>;
}

/** A typed expression reference at level L. */
export interface Ref<L extends LevelPath> extends RefBase<L> {
  sum: Reduction<L>;
  mean: Reduction<L>;
  min: Reduction<L>;
  max: Reduction<L>;
  count: Reduction<L>;
  first: Reduction<L>;
  last: Reduction<L>;
  list: Reduction<L>;
  any(pred: (x: Ref<L>) => ExprRef, opts?: ReduceOptions): Ref<Parent<L>>;
  agg(fn: (values: readonly unknown[]) => unknown, opts?: ReduceOptions): Ref<Parent<L>>;
}

interface ElementReduction<L extends LevelPath> {
  (): Ref<L>;
  <P extends LevelPath>(opts: PerOptions<P> & AncestorFits<P, readonly [...L, '#explode']>): Ref<P>;
}

/** A list-valued field (a pre-materialized child level): element reductions stay at the field's level. */
export interface ListFieldRef<L extends LevelPath> extends RefBase<L> {
  sum: ElementReduction<L>;
  mean: ElementReduction<L>;
  min: ElementReduction<L>;
  max: ElementReduction<L>;
  count: ElementReduction<L>;
  first: ElementReduction<L>;
  last: ElementReduction<L>;
  list(): ListFieldRef<L>;
  any(pred: (x: Ref<Derived<L, '#explode'>>) => ExprRef, opts?: ReduceOptions): Ref<L>;
  agg(fn: (values: readonly unknown[]) => unknown, opts?: ReduceOptions): Ref<L>;
}

/** A timeline over the rows of level T (its steps are one level below). */
export interface TypedTimeline<T extends LevelPath> extends TimelineRef {
  readonly time: Ref<Derived<T, '#timeline'>>;
  readonly __level?: T;
}

type FieldRef<N, P extends LevelPath> =
  N extends StructNode<infer F> ? Ref<P> & Fields<F, P>
  : N extends ScalarNode<infer T> ? (T extends List<DataType> ? ListFieldRef<P> : Ref<P>)
  : never;

type Fields<F extends FieldNodes, P extends LevelPath> = {
  readonly [K in keyof F & string]: F[K] extends CollectionNode<infer G> ? Collection<G, readonly [...P, K]> : FieldRef<F[K], P>;
};

/** A typed collection reference at path P with fields F. */
export type Collection<F extends FieldNodes, P extends LevelPath> = TypedCollectionRef<F, P> & Fields<F, P>;

export interface TypedCollectionRef<F extends FieldNodes, P extends LevelPath> extends CollectionRef {
  readonly __path?: P;
  readonly _id: Ref<P>;
  readonly _pos: Ref<P>;
  where<O extends ExprRef>(pred: O & FilterFits<P, O>): Collection<F, P>;
  get(key: unknown): Collection<F, P>;
  at(pos: number | bigint | readonly (number | bigint)[]): Collection<F, P>;
  resample<T extends LevelPath>(tl: TypedTimeline<T>, opts: { on: ExprRef; method?: ResampleMethod }): Ref<Derived<T, '#timeline'>>;
}

/** Typed references to a dataset's root collections (untyped when the schema is not known statically). */
export type Roots<R extends RootNodes> = string extends keyof R ? Record<string, CollectionRef> : { readonly [K in keyof R & string]: R[K] extends CollectionNode<infer F> ? Collection<F, readonly [K]> : never };
