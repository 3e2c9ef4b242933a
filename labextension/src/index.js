// After Fukushima's JupyterLab extension: a notebook nobody changed is not marked modified.
//
// The course saves widget state with each notebook (lab-overrides.json, saveState), so that a lesson reopened
// without a kernel still shows its exercises. The widget manager then marks the notebook modified whenever it
// registers a widget model, including when it only restores the state stored in the notebook on reopening:
// every untouched lesson asked to be saved on closing. This plugin clears that flag when nothing in the
// notebook (cells, sources, outputs, metadata) has changed since it was loaded or last saved; after any real
// change the flag stays as JupyterLab set it.
import { INotebookTracker } from '@jupyterlab/notebook';

/**
 * Keep one notebook's "modified" flag honest.
 *
 * `changed` is true once the notebook's content changes (model.contentChanged), and false again after the
 * notebook is loaded, saved or reverted. When the flag turns on while `changed` is false, the check waits
 * one turn of the event loop: typing sets the flag just before the content signal of the same edit arrives.
 */
function watch(context) {
  const model = context.model;
  let ready = false;
  let changed = false;

  const settle = () => {
    if (ready && !changed && model.dirty && !model.isDisposed) {
      model.dirty = false;
    }
  };
  model.contentChanged.connect(() => {
    changed = true;
  });
  model.stateChanged.connect((_, change) => {
    if (change.name !== 'dirty') {
      return;
    }
    if (change.newValue) {
      setTimeout(settle, 0);
    } else {
      changed = false;
    }
  });
  context.saveState.connect((_, state) => {
    if (state === 'completed') {
      changed = false;
    }
  });
  context.ready.then(() => {
    ready = true;
    changed = false;
  });
}

const plugin = {
  id: 'after-fukushima-lab:unchanged-notebook-is-not-modified',
  description: 'Clears the modified flag of a notebook whose content has not changed since it was loaded or saved.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app, tracker) => {
    tracker.forEach(panel => watch(panel.context));
    tracker.widgetAdded.connect((_, panel) => watch(panel.context));
  }
};

export default plugin;
