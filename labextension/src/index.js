// After Fukushima's JupyterLab extension: a notebook nobody changed is not marked modified, a figure's
// description is its image's alt text, a slider's handle is named by its label, and links in a lesson's text
// are underlined (style/index.css).
//
// The course saves widget state with each notebook (lab-overrides.json, saveState), so that a lesson reopened
// without a kernel still shows its exercises. The widget manager then marks the notebook modified whenever it
// registers a widget model, including when it only restores the state stored in the notebook on reopening:
// every untouched lesson asked to be saved on closing. This plugin clears that flag when nothing in the
// notebook (cells, sources, outputs, metadata) has changed since it was loaded or last saved; after any real
// change the flag stays as JupyterLab set it.
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry, RenderedImage } from '@jupyterlab/rendermime';

// The image types whose outputs may carry a description: the course's figures are PNG.
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif'];

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

/**
 * An output image whose description is its alt text. The course's figures put a one-sentence description of
 * what they show in the output's metadata, under the image's type (metadata['image/png'].alt, beside the
 * width and height JupyterLab already reads there); JupyterLab's own image renderer shows no alt text at all.
 */
class DescribedImage extends RenderedImage {
  async render(model) {
    await super.render(model);
    const metadata = model.metadata[this.mimeType];
    const alt = metadata && typeof metadata.alt === 'string' ? metadata.alt : '';
    const image = this.node.querySelector('img');
    if (image && alt) {
      image.alt = alt;
    }
  }
}

const descriptions = {
  id: 'after-fukushima-lab:figure-descriptions',
  description: "Shows a figure's description (its output metadata's alt) as the image's alt text.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (app, rendermime) => {
    // The same rank as JupyterLab's image renderer, which this one replaces for these types.
    rendermime.addFactory(
      { safe: true, mimeTypes: IMAGE_TYPES, defaultRank: 90, createRenderer: options => new DescribedImage(options) },
      90
    );
  }
};

/**
 * Name each slider's handle after its label. ipywidgets draws a slider's handle (noUiSlider) as role=slider
 * with no accessible name, so a screen reader announces "slider" only; its visible label (the widget's
 * description, "Event", "Vendor duty") sits beside it. Sliders appear whenever a cell runs, so new ones are
 * looked for on every change of the page (cheap: a query over the slider widgets only).
 */
function nameSliders(root) {
  for (const slider of root.querySelectorAll('.widget-slider')) {
    const label = slider.querySelector(':scope > .widget-label');
    const name = label ? label.textContent.trim() : '';
    for (const handle of slider.querySelectorAll('[role="slider"]')) {
      if (name && handle.getAttribute('aria-label') !== name) {
        handle.setAttribute('aria-label', name);
      }
    }
  }
}

const sliderNames = {
  id: 'after-fukushima-lab:slider-names',
  description: "Gives each ipywidgets slider's handle its label as an accessible name.",
  autoStart: true,
  activate: () => {
    let queued = false;
    new MutationObserver(() => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          nameSliders(document.body);
        });
      }
    }).observe(document.body, { childList: true, subtree: true });
  }
};

export default [plugin, descriptions, sliderNames];
